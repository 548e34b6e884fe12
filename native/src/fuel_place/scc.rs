//! Strongly connected components (Tarjan, iterative) of a subgraph given by its members, each
//! component sorted by the members' order, components in Tarjan's output order.

pub fn strongly_connected_components(
    members: &[usize],
    size: usize,
    succs: &dyn Fn(usize) -> Vec<usize>,
) -> Vec<Vec<usize>> {
    const NONE: usize = usize::MAX;
    let mut order = vec![NONE; size];
    for (i, &v) in members.iter().enumerate() {
        order[v] = i;
    }
    let mut index = vec![NONE; size];
    let mut low = vec![0usize; size];
    let mut on_stack = vec![false; size];
    let mut stack = Vec::new();
    let mut result = Vec::new();
    let mut counter = 0usize;
    for &start in members {
        if index[start] != NONE {
            continue;
        }
        let mut work: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        let mut open = |v: usize,
                        work: &mut Vec<(usize, Vec<usize>, usize)>,
                        stack: &mut Vec<usize>,
                        index: &mut Vec<usize>,
                        low: &mut Vec<usize>,
                        on_stack: &mut Vec<bool>| {
            index[v] = counter;
            low[v] = counter;
            counter += 1;
            stack.push(v);
            on_stack[v] = true;
            let out = succs(v)
                .into_iter()
                .filter(|&w| w < size && order[w] != NONE)
                .collect();
            work.push((v, out, 0));
        };
        open(
            start,
            &mut work,
            &mut stack,
            &mut index,
            &mut low,
            &mut on_stack,
        );
        while let Some(frame) = work.last_mut() {
            if frame.2 < frame.1.len() {
                let w = frame.1[frame.2];
                frame.2 += 1;
                let v = frame.0;
                if index[w] == NONE {
                    open(
                        w,
                        &mut work,
                        &mut stack,
                        &mut index,
                        &mut low,
                        &mut on_stack,
                    );
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            let v = frame.0;
            work.pop();
            if let Some(parent) = work.last() {
                low[parent.0] = low[parent.0].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.sort_by_key(|&w| order[w]);
                result.push(component);
            }
        }
    }
    result
}
