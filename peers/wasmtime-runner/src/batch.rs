//! `wasmtime-runner batch`: many calls in one process, for differential fuzzing. Each stdin
//! line is one JSON request, each answered by one JSON line on stdout:
//!
//! * `{"op":"exports","module":PATH}` → `{"exports":[{"name","params":[T..],"results":[T..]}]}`
//! * `{"op":"call","module":PATH,"mode":"none"|"fuel","fuel":N,"name":F,"args":[V..]}` →
//!   `{"trap":CODE|null,"message":..,"fuelConsumed":N|null,"instantiateFuel":N|null,"results":[V..]}`
//!
//! `--max-memory-bytes N` caps each store's linear memory (Wasmtime's `StoreLimits`): a
//! `memory.grow` past it returns -1, as our side's `maxMemoryBytes` makes it. Without it a
//! 64-bit memory that declares no maximum can double until the machine runs out of memory
//! (Wasmtime copies it to grow it).
//!
//! Every call gets a fresh store and instance (no state leaks between calls). Values are
//! strings: i32/i64 signed decimal, f32/f64 their IEEE bits as unsigned decimal (so NaN
//! payloads survive). A failure that is not a trap answers `{"error":MESSAGE}`.

use serde_json::{Value, json};
use std::io::{BufRead, Write};
use wasmtime::{
    Config, Engine, Instance, Module, Result, Store, StoreLimits, StoreLimitsBuilder, Trap, Val,
    ValType, bail, format_err,
};

struct Engines {
    none: Engine,
    fuel: Engine,
    /// The last module loaded, compiled for each engine (the fuzzer asks about one at a time).
    cached: Option<(String, Module, Module)>,
    /// Bytes of linear memory a store may have (None: Wasmtime's default, no limit).
    max_memory_bytes: Option<usize>,
}

pub fn main(argv: &[String]) -> Result<()> {
    let mut costs = None;
    let mut max_memory_bytes = None;
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--fuel-costs" => {
                let path = it
                    .next()
                    .ok_or_else(|| format_err!("--fuel-costs needs a value"))?;
                costs = Some(crate::fuel_costs::load(path)?);
            }
            "--max-memory-bytes" => {
                let n = it
                    .next()
                    .ok_or_else(|| format_err!("--max-memory-bytes needs a value"))?;
                max_memory_bytes = Some(
                    n.parse::<usize>()
                        .map_err(|e| format_err!("--max-memory-bytes {n}: {e}"))?,
                );
            }
            other => bail!("unknown batch option {other}"),
        }
    }
    let mut fuel = Config::new();
    fuel.consume_fuel(true);
    if let Some(c) = costs {
        fuel.operator_cost(c);
    }
    let mut engines = Engines {
        none: Engine::new(&Config::new())?,
        fuel: Engine::new(&fuel)?,
        cached: None,
        max_memory_bytes,
    };
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(req) => {
                handle(&mut engines, &req).unwrap_or_else(|e| json!({ "error": format!("{e:#}") }))
            }
            Err(e) => json!({ "error": format!("bad request: {e}") }),
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}

fn field<'a>(req: &'a Value, name: &str) -> Result<&'a str> {
    req.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format_err!("request needs a string `{name}`"))
}

fn modules<'a>(e: &'a mut Engines, path: &str) -> Result<(&'a Module, &'a Module)> {
    if e.cached.as_ref().is_none_or(|(p, _, _)| p != path) {
        e.cached = None;
        let bytes = std::fs::read(path).map_err(|err| format_err!("cannot read {path}: {err}"))?;
        let none = Module::new(&e.none, &bytes)?;
        let fuel = Module::new(&e.fuel, &bytes)?;
        e.cached = Some((path.to_string(), none, fuel));
    }
    let (_, none, fuel) = e.cached.as_ref().ok_or_else(|| format_err!("no module"))?;
    Ok((none, fuel))
}

fn type_name(t: &ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::Ref(r) if r.heap_type().is_func() => "funcref",
        ValType::Ref(r) if r.heap_type().is_extern() => "externref",
        ValType::Ref(_) => "ref",
    }
}

fn handle(e: &mut Engines, req: &Value) -> Result<Value> {
    let path = field(req, "module")?;
    match field(req, "op")? {
        "exports" => {
            let (none, _) = modules(e, path)?;
            let exports: Vec<Value> = none
                .exports()
                .filter_map(|ex| {
                    let f = ex.ty().func()?.clone();
                    Some(json!({
                        "name": ex.name(),
                        "params": f.params().map(|t| type_name(&t)).collect::<Vec<_>>(),
                        "results": f.results().map(|t| type_name(&t)).collect::<Vec<_>>(),
                    }))
                })
                .collect();
            Ok(json!({ "exports": exports, "imports": none.imports().len() }))
        }
        "call" => {
            let fuel_mode = match field(req, "mode")? {
                "none" => false,
                "fuel" => true,
                other => bail!("unknown mode {other}"),
            };
            let budget = req
                .get("fuel")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX / 4);
            let name = field(req, "name")?.to_string();
            let args: Vec<String> = req
                .get("args")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let limits = e.max_memory_bytes;
            let (none, fuel) = modules(e, path)?;
            let module = if fuel_mode {
                fuel.clone()
            } else {
                none.clone()
            };
            Ok(call(&module, fuel_mode, budget, limits, &name, &args))
        }
        other => bail!("unknown op {other}"),
    }
}

fn parse_value(t: &ValType, s: &str) -> Result<Val> {
    Ok(match t {
        ValType::I32 => Val::I32(s.parse::<i64>()? as i32),
        ValType::I64 => Val::I64(s.parse::<i128>()? as i64),
        ValType::F32 => Val::F32(s.parse::<u32>()?),
        ValType::F64 => Val::F64(s.parse::<u64>()?),
        other => bail!("cannot pass a {other}"),
    })
}

fn show_value(v: &Val) -> Value {
    match v {
        Val::I32(x) => json!(x.to_string()),
        Val::I64(x) => json!(x.to_string()),
        Val::F32(x) => json!(x.to_string()),
        Val::F64(x) => json!(x.to_string()),
        Val::FuncRef(f) => json!(if f.is_some() { "funcref" } else { "null" }),
        Val::ExternRef(r) => json!(if r.is_some() { "externref" } else { "null" }),
        other => json!(format!("{other:?}")),
    }
}

fn call(
    module: &Module,
    fuel_mode: bool,
    budget: u64,
    max_memory_bytes: Option<usize>,
    name: &str,
    args: &[String],
) -> Value {
    let limits = match max_memory_bytes {
        Some(n) => StoreLimitsBuilder::new().memory_size(n).build(),
        None => StoreLimits::default(),
    };
    let mut store = Store::new(module.engine(), limits);
    store.limiter(|limits| limits);
    if fuel_mode && let Err(e) = store.set_fuel(budget) {
        return json!({ "error": format!("{e:#}") });
    }
    let consumed = |s: &Store<StoreLimits>| {
        fuel_mode
            .then(|| s.get_fuel().map(|f| budget - f).ok())
            .flatten()
    };
    let mut instantiate_fuel = None;
    let outcome: Result<Vec<Val>> = (|| {
        let instance = Instance::new(&mut store, module, &[])?;
        instantiate_fuel = consumed(&store);
        let func = instance
            .get_func(&mut store, name)
            .ok_or_else(|| format_err!("no exported function {name}"))?;
        let ty = func.ty(&store);
        if ty.params().len() != args.len() {
            bail!(
                "{name} takes {} arguments, {} given",
                ty.params().len(),
                args.len()
            );
        }
        let params = ty
            .params()
            .zip(args)
            .map(|(t, a)| parse_value(&t, a))
            .collect::<Result<Vec<_>>>()?;
        let mut results = vec![Val::I32(0); ty.results().len()];
        func.call(&mut store, &params, &mut results)?;
        Ok(results)
    })();
    let fuel = consumed(&store);
    match outcome {
        Ok(results) => json!({
            "trap": null, "message": null, "fuelConsumed": fuel, "instantiateFuel": instantiate_fuel,
            "results": results.iter().map(show_value).collect::<Vec<_>>(),
        }),
        Err(e) => match e.downcast_ref::<Trap>() {
            Some(t) => json!({
                "trap": crate::trap_code(t), "message": format!("{e:#}"), "fuelConsumed": fuel,
                "instantiateFuel": instantiate_fuel, "results": [],
            }),
            None => json!({ "error": format!("{e:#}") }),
        },
    }
}
