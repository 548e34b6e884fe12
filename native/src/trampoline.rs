//! Host-to-JIT trampolines: `fn(callee, values)` loads each argument from its 16-byte slot in
//! `values`, calls `callee` with the callee's own signature, and stores the results back into
//! the slots. When the pinned register is enabled the trampoline saves it on entry and restores
//! it on exit, because the pinned register is callee-saved for the C code calling us.

// ModuleError is cranelift-module's own (large) error type; boxing it here would gain nothing.
#![allow(clippy::result_large_err)]

use cranelift_codegen::ir::{AbiParam, ArgumentPurpose, InstBuilder, MemFlagsData, Signature};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::JITModule;
use cranelift_module::{FuncId, Linkage, Module, ModuleResult};

use crate::jit::SLOT_BYTES;

/// Ok when every parameter and result fits one 16-byte slot (integers up to i128, f16 to f128,
/// vectors up to 128 bits; wider vectors and dynamic types do not) and has no special-purpose
/// ABI role. Which of these JavaScript can express as numbers is the facade's business; the
/// slots themselves carry any of them (the runtests pass vectors, i128, f16 and f128 this way).
pub fn callable_signature(signature: &Signature) -> Result<(), String> {
    for param in signature.params.iter().chain(signature.returns.iter()) {
        let ty = param.value_type;
        let fits = !ty.is_dynamic_vector() && ty.bytes() > 0 && ty.bytes() as usize <= SLOT_BYTES;
        if !fits {
            return Err(format!("type {ty} does not fit a 16-byte argument slot"));
        }
        match param.purpose {
            ArgumentPurpose::Normal | ArgumentPurpose::VMContext => {}
            other => {
                return Err(format!(
                    "parameter purpose {other} is not supported in calls from JavaScript"
                ));
            }
        }
    }
    Ok(())
}

/// Declares and defines the trampoline for `target`; returns its id and code length.
pub fn define_trampoline(
    module: &mut JITModule,
    target: &Signature,
    save_pinned_reg: bool,
    index: usize,
) -> ModuleResult<(FuncId, usize)> {
    let pointer = module.target_config().pointer_type();
    let mut signature = module.make_signature();
    signature.params.push(AbiParam::new(pointer));
    signature.params.push(AbiParam::new(pointer));
    let id = module.declare_function(
        &format!("slackfuel trampoline {index}"),
        Linkage::Local,
        &signature,
    )?;

    let mut ctx = module.make_context();
    ctx.func.signature = signature;
    let mut builder_context = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut builder_context);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let callee = b.block_params(entry)[0];
        let values = b.block_params(entry)[1];
        let saved_pinned = save_pinned_reg.then(|| b.ins().get_pinned_reg(pointer));
        let flags = MemFlagsData::trusted();
        let offset = |i: usize| i32::try_from(i * SLOT_BYTES).unwrap_or(i32::MAX);
        let args: Vec<_> = target
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| b.ins().load(p.value_type, flags, values, offset(i)))
            .collect();
        let sig_ref = b.import_signature(target.clone());
        let call = b.ins().call_indirect(sig_ref, callee, &args);
        let results = b.inst_results(call).to_vec();
        for (i, result) in results.into_iter().enumerate() {
            b.ins().store(flags, result, values, offset(i));
        }
        if let Some(saved) = saved_pinned {
            b.ins().set_pinned_reg(saved);
        }
        b.ins().return_(&[]);
        b.finalize(module.target_config());
    }
    module.define_function(id, &mut ctx)?;
    let len = ctx
        .compiled_code()
        .map(|c| c.code_buffer().len())
        .unwrap_or(0);
    module.clear_context(&mut ctx);
    Ok((id, len))
}
