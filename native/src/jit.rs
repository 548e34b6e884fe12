//! JIT modules: a CLIF file's functions compiled for the host, calling each other through
//! function references resolved by name, callable from JavaScript through per-signature
//! trampolines, with their code registered for trap handling.

use crate::aot::codegen_failure;
use crate::clif_file::{self, function_name};
use crate::code_alignment::AlignedCode;
use crate::code_registry::{self, CodeRange, Registration};
use crate::errors::{Failure, NativeResult};
use crate::parallel_compile;
use crate::settings::{Setting, Target, build_isa_for_target};
use crate::signals::{self, CallOutcome, Trampoline, TrapInfo};
use crate::trampoline::{callable_signature, define_trampoline};
use cranelift_codegen::ir::TrapCode;
use cranelift_codegen::ir::{ExternalName, Function, GlobalValueData, Type, UserExternalName};
use cranelift_jit::{ArenaMemoryProvider, JITBuilder, JITModule};

/// Address space reserved for one module's code and data (well under the ±2 GiB reach of a
/// PC-relative call; a module that needs more fails to compile with an error).
const JIT_RESERVATION: usize = 256 << 20;
use cranelift_module::{FuncId, Linkage, Module, ModuleError, default_libcall_names};
use std::collections::{HashMap, HashSet};
use std::num::NonZeroU8;
use std::sync::Arc;

/// Bytes per argument/result slot in the buffer the trampolines read and write.
pub const SLOT_BYTES: usize = 16;

/// One compiled function as the facade sees it.
#[napi_derive::napi(object)]
#[derive(Clone)]
pub struct JitFunctionInfo {
    /// As Cranelift prints it: `%name` or `u0:1`.
    pub name: String,
    pub params: Vec<String>,
    pub returns: Vec<String>,
    /// Machine code size in bytes.
    pub code_size: u32,
    /// Where the code starts within its 64-byte cache line (0 or 32 unless a layout seed
    /// shuffled the layout).
    pub line_offset: u32,
    /// Why the function cannot be called from JavaScript (unsupported signature), if it cannot.
    pub not_callable: Option<String>,
}

struct JitFunction {
    info: JitFunctionInfo,
    params: Vec<Type>,
    returns: Vec<Type>,
    code: *const u8,
    code_len: usize,
    trampoline: Option<Trampoline>,
}

/// A finalized module. Dropping it unregisters its code and frees its memory, in that order.
pub struct LoadedModule {
    module: Option<JITModule>,
    registration: Option<Registration>,
    functions: Vec<JitFunction>,
}

impl Drop for LoadedModule {
    fn drop(&mut self) {
        // Unregister first so no signal handler can attribute a fault to memory being reused.
        drop(self.registration.take());
        if let Some(module) = self.module.take() {
            // SAFETY: a module is dropped on the thread that runs its calls (Node's thread for a
            // JitModule, the wasm thread for an instance), never during one of them, so none of
            // its code is executing now; its code was unregistered just above, and the function
            // pointers die with `self.functions`.
            unsafe { module.free_memory() };
        }
    }
}

fn module_failure(func: Option<&Function>, name: &str, error: ModuleError) -> Failure {
    match (error, func) {
        (ModuleError::Compilation(inner), Some(func)) => codegen_failure(name, inner, func),
        (other, _) => Failure::compile(Some(name.to_string()), format!("{name}: {other}")),
    }
}

/// The name a function reference points at, in the form functions are keyed by.
fn referenced_name(func: &Function, name: &ExternalName) -> Option<String> {
    match name {
        ExternalName::TestCase(testcase) => Some(testcase.to_string()),
        ExternalName::User(reference) => func
            .params
            .user_named_funcs()
            .get(*reference)
            .map(|user| format!("u{}:{}", user.namespace, user.index)),
        ExternalName::LibCall(_) | ExternalName::KnownSymbol(_) => None,
    }
}

/// Points every function reference (and symbol global value) naming a function of this file at
/// that function's module id; checks that the caller's signature matches the callee's.
fn resolve_references(
    func: &mut Function,
    ids: &HashMap<String, FuncId>,
    signatures: &HashMap<String, cranelift_codegen::ir::Signature>,
) -> NativeResult<()> {
    let caller = function_name(func);
    let refs: Vec<_> = func.dfg.ext_funcs.keys().collect();
    for fref in refs {
        let data = &func.dfg.ext_funcs[fref];
        let Some(target) = referenced_name(func, &data.name) else {
            continue;
        };
        let Some(&id) = ids.get(&target) else {
            return Err(Failure::compile(
                Some(caller.clone()),
                format!(
                    "{caller}: {fref} refers to {target}, which is not a function of this file"
                ),
            ));
        };
        let Some(used_signature) = func.dfg.signatures.get(data.signature) else {
            return Err(Failure::compile(
                Some(caller.clone()),
                format!("{caller}: {fref} uses an undeclared signature"),
            ));
        };
        if signatures.get(&target) != Some(used_signature) {
            return Err(Failure::compile(
                Some(caller.clone()),
                format!(
                    "{caller}: {fref} calls {target} with signature {used_signature}, which does not match its definition"
                ),
            ));
        }
        let reference = func.declare_imported_user_function(UserExternalName::new(0, id.as_u32()));
        func.dfg.ext_funcs[fref].name = ExternalName::user(reference);
    }
    let globals: Vec<_> = func.global_values.keys().collect();
    for gv in globals {
        let GlobalValueData::Symbol { name, .. } = &func.global_values[gv] else {
            continue;
        };
        let Some(target) = referenced_name(func, name) else {
            continue;
        };
        let Some(&id) = ids.get(&target) else {
            return Err(Failure::compile(
                Some(caller.clone()),
                format!(
                    "{caller}: {gv} refers to symbol {target}, which is not a function of this file"
                ),
            ));
        };
        let reference = func.declare_imported_user_function(UserExternalName::new(0, id.as_u32()));
        if let GlobalValueData::Symbol { name, .. } = &mut func.global_values[gv] {
            *name = ExternalName::user(reference);
        }
    }
    Ok(())
}

/// Compiles every function of `text` for the host, with the settings of the file's target line
/// `target` (0 when it has none; see run_targets), and finalizes the module.
pub fn load(text: &str, settings: &[Setting], target: usize) -> NativeResult<LoadedModule> {
    load_target(text, settings, &HashSet::new(), target, None)
}

/// Like `load`; the functions named in `metered` are registered as metered wasm code (their
/// pinned register holds the fuel counter), which the fuel checker acts on. A `layout_seed`
/// pads each function by a pseudo-random amount instead of aligning it (code_alignment.rs).
pub fn load_with(
    text: &str,
    settings: &[Setting],
    metered: &HashSet<String>,
    layout_seed: Option<u64>,
) -> NativeResult<LoadedModule> {
    load_target(text, settings, metered, 0, layout_seed)
}

fn load_target(
    text: &str,
    settings: &[Setting],
    metered: &HashSet<String>,
    target: usize,
    layout_seed: Option<u64>,
) -> NativeResult<LoadedModule> {
    signals::ensure_handlers()?;
    let threads = parallel_compile::configured_threads()?;
    let text = clif_file::readable(text);
    let (isa_spec, mut functions) = clif_file::parse_functions(&text, threads)?;
    // cranelift-jit patches absolute addresses, so position-independent code is not an option.
    let isa = build_isa_for_target(
        Target::Host,
        &isa_spec,
        target,
        &[("is_pic", "false")],
        settings,
    )?;
    // The functions are verified once, below, all of them in one report; compiling them with
    // the same flags but the verifier off does not verify each a second time. The flag
    // changes no generated code.
    let verify = isa.flags().enable_verifier();
    let unverified_settings: Vec<Setting> = settings
        .iter()
        .cloned()
        .chain([Setting {
            name: "enable_verifier".into(),
            value: "false".into(),
        }])
        .collect();
    let compile_isa = build_isa_for_target(
        Target::Host,
        &isa_spec,
        target,
        &[("is_pic", "false")],
        &unverified_settings,
    )?;
    if isa.flags().is_pic() {
        return Err(Failure::setting(
            "is_pic",
            "the JIT cannot run position-independent code (is_pic must be false)",
        ));
    }
    let pinned = isa.flags().enable_pinned_reg();
    // One contiguous reservation per module: calls between its functions are 32-bit
    // PC-relative, and separately mapped pieces of code can land more than 2 GiB apart in a
    // Node process (V8 reserves large regions), which cranelift-jit's relocation cannot
    // express. Only the pages used are committed.
    let arena = ArenaMemoryProvider::new_with_size(JIT_RESERVATION)
        .map_err(|e| Failure::call(format!("cannot reserve memory for machine code: {e}")))?;
    // Functions start at the ISA's preferred alignment, as Wasmtime places wasm functions.
    let code_alignment = u64::from(isa.function_alignment().preferred);
    let mut builder = JITBuilder::with_isa(isa, default_libcall_names());
    builder.memory_provider(Box::new(AlignedCode::new(
        arena,
        code_alignment,
        layout_seed,
    )));
    crate::libcalls::register(&mut builder);
    let mut module = JITModule::new(builder);

    if verify {
        parallel_compile::verify_all(&functions, module.isa(), threads)?;
    }
    let mut ids = HashMap::new();
    let mut signatures = HashMap::new();
    let mut order = Vec::with_capacity(functions.len());
    for func in &functions {
        let name = function_name(func);
        if ids.contains_key(&name) {
            return Err(Failure::compile(
                Some(name.clone()),
                format!("{name} is defined twice"),
            ));
        }
        let id = module
            .declare_function(&name, Linkage::Local, &func.signature)
            .map_err(|e| module_failure(None, &name, e))?;
        ids.insert(name.clone(), id);
        signatures.insert(name.clone(), func.signature.clone());
        order.push((name, id));
    }

    for func in functions.iter_mut() {
        resolve_references(func, &ids, &signatures)?;
    }
    let ids_in_order: Vec<FuncId> = order.iter().map(|(_, id)| *id).collect();
    let mut compiled = Vec::with_capacity(functions.len());
    for (code, (name, id)) in
        parallel_compile::compile_all(&*compile_isa, &functions, &ids_in_order, threads)?
            .into_iter()
            .zip(&order)
    {
        module
            .define_function_bytes(*id, code.alignment, &code.bytes, &code.relocs)
            .map_err(|e| module_failure(None, name, e))?;
        compiled.push((code.bytes.len(), code.total_size, code.traps));
    }

    // One trampoline per callable function, compiled with the same flags.
    let mut trampolines = Vec::with_capacity(functions.len());
    for (index, func) in functions.iter().enumerate() {
        let trampoline = match callable_signature(&func.signature) {
            Ok(()) => Some(
                define_trampoline(&mut module, &func.signature, pinned, index).map_err(|e| {
                    module_failure(None, &format!("trampoline for {}", function_name(func)), e)
                })?,
            ),
            Err(_) => None,
        };
        trampolines.push(trampoline);
    }

    module
        .finalize_definitions()
        .map_err(|e| module_failure(None, "module", e))?;

    let mut ranges = Vec::new();
    let mut loaded = Vec::with_capacity(functions.len());
    for (((func, (name, id)), (len, total, traps)), trampoline) in
        functions.iter().zip(&order).zip(compiled).zip(trampolines)
    {
        let code = module.get_finalized_function(*id);
        ranges.push(CodeRange {
            start: code as usize,
            len,
            traps: Arc::from(traps),
            metered: metered.contains(name),
        });
        let trampoline_fn = match trampoline {
            Some((tramp_id, tramp_len)) => {
                let tramp_code = module.get_finalized_function(tramp_id);
                ranges.push(CodeRange {
                    start: tramp_code as usize,
                    len: tramp_len,
                    traps: Arc::from(Vec::new()),
                    metered: false,
                });
                // SAFETY: the trampoline was generated with signature (ptr, ptr) -> () in the
                // host's default calling convention, which is the C convention `Trampoline` has.
                Some(unsafe { std::mem::transmute::<*const u8, Trampoline>(tramp_code) })
            }
            None => None,
        };
        let params: Vec<Type> = func.signature.params.iter().map(|p| p.value_type).collect();
        let returns: Vec<Type> = func
            .signature
            .returns
            .iter()
            .map(|p| p.value_type)
            .collect();
        loaded.push(JitFunction {
            info: JitFunctionInfo {
                name: name.clone(),
                params: params.iter().map(|t| t.to_string()).collect(),
                returns: returns.iter().map(|t| t.to_string()).collect(),
                code_size: total,
                line_offset: (code as usize % 64) as u32,
                not_callable: callable_signature(&func.signature).err(),
            },
            params,
            returns,
            code,
            code_len: len,
            trampoline: trampoline_fn,
        });
    }
    let registration = code_registry::register(ranges);
    Ok(LoadedModule {
        module: Some(module),
        registration: Some(registration),
        functions: loaded,
    })
}

/// A fault that Cranelift recorded no trap code for: name it from the signal and addresses.
fn unrecorded_trap_name(info: &TrapInfo) -> &'static str {
    use signals::libc_consts::*;
    match info.signal {
        SIGSEGV | SIGBUS => {
            // Close to the stack pointer means the stack ran into its guard page.
            let distance = info.stack_pointer.abs_diff(info.fault_address);
            if info.fault_address != 0 && distance <= 1 << 20 {
                "stk_ovf"
            } else {
                "memory_fault"
            }
        }
        SIGFPE => "arithmetic_fault",
        SIGILL => "illegal_instruction",
        _ => "unknown",
    }
}

impl LoadedModule {
    /// The machine-code address of function `name` (as `infos` names it).
    pub fn address_of(&self, name: &str) -> Option<u64> {
        self.functions
            .iter()
            .find(|f| f.info.name == name)
            .map(|f| f.code as u64)
    }

    pub fn infos(&self) -> Vec<JitFunctionInfo> {
        self.functions.iter().map(|f| f.info.clone()).collect()
    }

    /// Whether `pc` lies in one of this module's functions.
    pub fn owns_pc(&self, pc: usize) -> bool {
        self.functions
            .iter()
            .any(|f| pc.wrapping_sub(f.code as usize) < f.code_len)
    }

    pub fn trap_failure(&self, info: &TrapInfo) -> Failure {
        let owner = self
            .functions
            .iter()
            .find(|f| (info.pc.wrapping_sub(f.code as usize)) < f.code_len);
        let trap_code = match NonZeroU8::new(info.trap_code) {
            Some(raw) => TrapCode::from_raw(raw).to_string(),
            None => unrecorded_trap_name(info).to_string(),
        };
        let signal = signals::signal_name(info.signal);
        let (function, offset) = match owner {
            Some(f) => (
                Some(f.info.name.clone()),
                u32::try_from(info.pc - f.code as usize).ok(),
            ),
            None => (None, None),
        };
        let place = match (&function, offset) {
            (Some(name), Some(off)) => format!(" in {name} at offset {off}"),
            _ => " in a call trampoline".to_string(),
        };
        Failure::Trap {
            message: format!("trap {trap_code}{place} ({signal})"),
            trap_code,
            function,
            offset,
            signal,
        }
    }

    /// Calls function `index` with arguments already encoded in 16-byte little-endian slots;
    /// returns the result slots.
    pub fn call(&self, index: usize, args: &[u8]) -> NativeResult<Vec<u8>> {
        match self.call_raw(index, args)? {
            Ok(results) => Ok(results),
            Err(info) => Err(self.trap_failure(&info)),
        }
    }

    /// Like `call`, but a trap comes back as its raw description (`Err(TrapInfo)`), for callers
    /// that classify traps themselves (the runtime turns some into OutOfFuel).
    pub fn call_raw(&self, index: usize, args: &[u8]) -> NativeResult<Result<Vec<u8>, TrapInfo>> {
        let function = self
            .functions
            .get(index)
            .ok_or_else(|| Failure::call(format!("no function with index {index}")))?;
        let trampoline = function.trampoline.ok_or_else(|| {
            let why = function.info.not_callable.clone().unwrap_or_default();
            Failure::call(format!(
                "{} cannot be called from JavaScript: {why}",
                function.info.name
            ))
        })?;
        if args.len() != function.params.len() * SLOT_BYTES {
            return Err(Failure::call(format!(
                "{} takes {} argument slots, got {} bytes",
                function.info.name,
                function.params.len(),
                args.len()
            )));
        }
        let slots = function.params.len().max(function.returns.len()).max(1);
        let mut values = vec![0u128; slots];
        for (slot, chunk) in values.iter_mut().zip(args.chunks_exact(SLOT_BYTES)) {
            let mut bytes = [0u8; SLOT_BYTES];
            bytes.copy_from_slice(chunk);
            *slot = u128::from_le_bytes(bytes);
        }
        // SAFETY: the trampoline and code belong to this live module, were generated for this
        // signature, are registered, and `values` has max(params, returns) aligned slots.
        let outcome = unsafe { signals::call(trampoline, function.code, values.as_mut_ptr())? };
        match outcome {
            CallOutcome::Returned => Ok(Ok(values
                .iter()
                .take(function.returns.len())
                .flat_map(|v| v.to_le_bytes())
                .collect())),
            CallOutcome::Trapped(info) => Ok(Err(info)),
        }
    }
}
