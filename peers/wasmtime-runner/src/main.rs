//! Runs a WebAssembly module under real Wasmtime (the `wasmtime` crate, with Wasmtime's own
//! defaults) in one of three modes — `none`, `fuel` (`consume_fuel`), `epoch`
//! (`epoch_interruption`, deadline never reached) — and prints one JSON object: the exit code
//! or trap, the fuel consumed (instantiation included), the time between the guest's
//! `bench.start` and `bench.end` imports, and the guest's stdout. slackfuel's benchmark and
//! fuel fixtures compare against it.

mod batch;
mod deterministic;
mod fuel_costs;

use serde_json::{Value, json};
use std::time::Instant;
use wasmtime::error::Context as _;
use wasmtime::{
    Config, Engine, Linker, Module, Result, Store, Trap, Val, ValType, bail, format_err,
};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, I32Exit};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    None,
    Fuel,
    Epoch,
}

impl Mode {
    /// The name the report and `--mode` use.
    fn name(self) -> &'static str {
        match self {
            Mode::None => "none",
            Mode::Fuel => "fuel",
            Mode::Epoch => "epoch",
        }
    }
}

/// The `wasmtime` crate this runner is built with, as its reports name it.
const WASMTIME_VERSION: &str = "48.0.9";

struct Options {
    mode: Mode,
    fuel: u64,
    dirs: Vec<(String, String)>,
    env: Vec<(String, String)>,
    invoke: Option<(String, Vec<String>)>,
    emit_clif: Option<String>,
    save_compiled: Option<String>,
    fuel_costs: Option<String>,
    deterministic: bool,
    /// Stop after `Module::from_file` (read, validate, translate, compile, link): the report
    /// gives its time as `compileMs`, nothing is instantiated or run.
    compile_only: bool,
    /// Modules instantiated first, in the same store, whose exports the main module may import
    /// under the given name (the `wasmtime` CLI's `--preload NAME=PATH`).
    preload: Vec<(String, String)>,
    module: String,
    args: Vec<String>,
}

const USAGE: &str = "usage: wasmtime-runner run --mode none|fuel|epoch [--fuel N] [--dir HOST[::GUEST]]... [--env NAME=VALUE]... \
[--emit-clif DIR] [--save-compiled FILE.cwasm] [--fuel-costs FILE.json] [--deterministic] [--compile-only] [--preload NAME=FILE.wasm]... [--invoke NAME [ARGS...] --] MODULE.wasm [PROGRAM ARGS...]
       wasmtime-runner batch [--fuel-costs FILE.json]   (JSON requests on stdin, one per line; see batch.rs)";

fn parse_options(argv: &[String]) -> Result<Options> {
    let mut it = argv.iter();
    if it.next().map(String::as_str) != Some("run") {
        bail!("{USAGE}");
    }
    let mut mode = None;
    let mut fuel = u64::MAX / 4;
    let mut dirs = Vec::new();
    let mut env = Vec::new();
    let mut invoke = None;
    let mut emit_clif = None;
    let mut save_compiled = None;
    let mut fuel_costs = None;
    let mut deterministic = false;
    let mut compile_only = false;
    let mut preload = Vec::new();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format_err!("{name} needs a value"))
        };
        match arg.as_str() {
            "--mode" => {
                mode = Some(match value("--mode")?.as_str() {
                    "none" => Mode::None,
                    "fuel" => Mode::Fuel,
                    "epoch" => Mode::Epoch,
                    other => bail!("unknown mode {other} (none, fuel or epoch)"),
                })
            }
            "--fuel" => {
                fuel = value("--fuel")?
                    .parse::<u64>()
                    .context("--fuel takes a whole number")?
            }
            "--dir" => {
                let spec = value("--dir")?;
                let (host, guest) = spec
                    .split_once("::")
                    .unwrap_or((spec.as_str(), spec.as_str()));
                dirs.push((host.to_string(), guest.to_string()));
            }
            "--env" => {
                let spec = value("--env")?;
                let (k, v) = spec
                    .split_once('=')
                    .ok_or_else(|| format_err!("--env takes NAME=VALUE"))?;
                env.push((k.to_string(), v.to_string()));
            }
            "--emit-clif" => emit_clif = Some(value("--emit-clif")?),
            "--save-compiled" => save_compiled = Some(value("--save-compiled")?),
            "--fuel-costs" => fuel_costs = Some(value("--fuel-costs")?),
            "--deterministic" => deterministic = true,
            "--compile-only" => compile_only = true,
            "--preload" => {
                let spec = value("--preload")?;
                let (name, path) = spec
                    .split_once('=')
                    .ok_or_else(|| format_err!("--preload takes NAME=FILE.wasm"))?;
                preload.push((name.to_string(), path.to_string()));
            }
            "--invoke" => {
                let name = value("--invoke")?;
                let mut args = Vec::new();
                for a in it.by_ref() {
                    if a == "--" {
                        break;
                    }
                    args.push(a.clone());
                }
                invoke = Some((name, args));
            }
            other if other.starts_with("--") => bail!("unknown option {other}\n{USAGE}"),
            module => {
                return Ok(Options {
                    mode: mode.ok_or_else(|| format_err!("--mode is required\n{USAGE}"))?,
                    fuel,
                    dirs,
                    env,
                    invoke,
                    emit_clif,
                    save_compiled,
                    fuel_costs,
                    deterministic,
                    compile_only,
                    preload,
                    module: module.to_string(),
                    args: it.cloned().collect(),
                });
            }
        }
    }
    bail!("no module given\n{USAGE}")
}

struct Host {
    wasi: WasiP1Ctx,
    start: Option<Instant>,
    end: Option<Instant>,
}

fn parse_arg(ty: &ValType, text: &str) -> Result<Val> {
    Ok(match ty {
        ValType::I32 => Val::I32(text.parse::<i64>()? as i32),
        ValType::I64 => Val::I64(text.parse::<i128>()? as i64),
        ValType::F32 => Val::F32(text.parse::<f32>()?.to_bits()),
        ValType::F64 => Val::F64(text.parse::<f64>()?.to_bits()),
        other => bail!("cannot pass a {other} from the command line"),
    })
}

fn show(v: &Val) -> Value {
    match v {
        Val::I32(x) => json!(x.to_string()),
        Val::I64(x) => json!(x.to_string()),
        Val::F32(x) => json!(f32::from_bits(*x).to_string()),
        Val::F64(x) => json!(f64::from_bits(*x).to_string()),
        other => json!(format!("{other:?}")),
    }
}

/// A stable name per Wasmtime trap kind (what slackfuel's WasmTrap kinds map to).
pub(crate) fn trap_code(trap: &Trap) -> &'static str {
    match trap {
        Trap::StackOverflow => "stack_exhaustion",
        Trap::MemoryOutOfBounds => "memory_out_of_bounds",
        Trap::TableOutOfBounds => "table_out_of_bounds",
        Trap::IndirectCallToNull => "indirect_call_null",
        Trap::BadSignature => "indirect_call_signature_mismatch",
        Trap::NullReference => "null_reference",
        Trap::IntegerOverflow => "integer_overflow",
        Trap::IntegerDivisionByZero => "division_by_zero",
        Trap::BadConversionToInteger => "invalid_conversion",
        Trap::UnreachableCodeReached => "unreachable",
        Trap::OutOfFuel => "OutOfFuel",
        Trap::Interrupt => "interrupt",
        _ => "other",
    }
}

fn run(o: Options) -> Result<Value> {
    let mut config = Config::new();
    match o.mode {
        Mode::None => {}
        Mode::Fuel => {
            config.consume_fuel(true);
        }
        Mode::Epoch => {
            config.epoch_interruption(true);
        }
    }
    if let Some(path) = &o.fuel_costs {
        config.operator_cost(fuel_costs::load(path)?);
    }
    if let Some(dir) = &o.emit_clif {
        config.emit_clif(std::path::Path::new(dir));
    }
    let engine = Engine::new(&config)?;
    let compile_started = Instant::now();
    let module = Module::from_file(&engine, &o.module)
        .with_context(|| format!("cannot load {}", o.module))?;
    let compile_ms = compile_started.elapsed().as_secs_f64() * 1000.0;
    // The compiled module as Wasmtime stores it: an ELF object whose .text holds the machine
    // code with one symbol per function (`wasm[0]::function[N]`), so `objdump -d` reads it.
    if let Some(path) = &o.save_compiled {
        let bytes = module.serialize()?;
        std::fs::write(path, bytes).with_context(|| format!("cannot write {path}"))?;
    }
    if o.compile_only {
        return Ok(json!({
            "wasmtimeVersion": WASMTIME_VERSION,
            "mode": o.mode.name(),
            "exitCode": 0,
            "trap": null,
            "message": "compiled only",
            "fuelConsumed": null,
            "instantiateFuel": null,
            "regionMs": 0.0,
            "compileMs": compile_ms,
            "totalMs": 0.0,
            "stdout": "",
            "results": [],
        }));
    }

    let stdout = MemoryOutputPipe::new(usize::MAX >> 1);
    let mut wasi = WasiCtxBuilder::new();
    let program = std::path::Path::new(&o.module)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    wasi.arg(&program)
        .args(&o.args)
        .stdout(stdout.clone())
        .inherit_stderr();
    for (k, v) in &o.env {
        wasi.env(k, v);
    }
    if o.deterministic {
        wasi.secure_random(deterministic::StreamRng::default())
            .wall_clock(deterministic::SteppedWallClock::default())
            .monotonic_clock(deterministic::SteppedMonotonicClock::default());
    }
    for (host, guest) in &o.dirs {
        wasi.preopened_dir(host, guest, FsPerms::ReadWrite)
            .with_context(|| format!("cannot preopen {host}"))?;
    }
    let mut store = Store::new(
        &engine,
        Host {
            wasi: wasi.build_p1(),
            start: None,
            end: None,
        },
    );
    if o.mode == Mode::Fuel {
        store.set_fuel(o.fuel)?;
    }
    if o.mode == Mode::Epoch {
        store.set_epoch_deadline(u64::MAX / 2);
    }
    let mut linker: Linker<Host> = Linker::new(&engine);
    p1::add_to_linker_sync(&mut linker, |h: &mut Host| &mut h.wasi)?;
    linker.func_wrap(
        "bench",
        "start",
        |mut caller: wasmtime::Caller<'_, Host>| {
            caller.data_mut().start = Some(Instant::now());
        },
    )?;
    linker.func_wrap("bench", "end", |mut caller: wasmtime::Caller<'_, Host>| {
        caller.data_mut().end = Some(Instant::now());
    })?;
    let fuel_left = |store: &Store<Host>| store.get_fuel().ok();

    let instantiated = Instant::now();
    let mut instantiate_fuel = None;
    let outcome: Result<Vec<Val>> = (|| {
        for (name, path) in &o.preload {
            let m =
                Module::from_file(&engine, path).with_context(|| format!("cannot load {path}"))?;
            linker.module(&mut store, name, &m)?;
        }
        let instance = linker.instantiate(&mut store, &module)?;
        instantiate_fuel = fuel_left(&store).map(|f| o.fuel - f);
        store.data_mut().start.get_or_insert(Instant::now());
        let (name, args) = o
            .invoke
            .clone()
            .unwrap_or(("_start".to_string(), Vec::new()));
        let func = instance
            .get_func(&mut store, &name)
            .ok_or_else(|| format_err!("no exported function {name}"))?;
        let ty = func.ty(&store);
        let params = ty
            .params()
            .zip(args.iter().chain(std::iter::repeat(&String::new())))
            .map(|(t, a)| parse_arg(&t, a))
            .collect::<Result<Vec<_>>>()?;
        let mut results = vec![Val::I32(0); ty.results().len()];
        // The whole call is the region unless the guest marks one.
        store.data_mut().start = None;
        let begun = Instant::now();
        let r = func.call(&mut store, &params, &mut results);
        let data = store.data_mut();
        if data.start.is_none() {
            data.start = Some(begun);
        }
        if data.end.is_none() {
            data.end = Some(Instant::now());
        }
        r.map(|()| results)
    })();
    let total_ms = instantiated.elapsed().as_secs_f64() * 1000.0;
    let consumed = fuel_left(&store).map(|f| o.fuel - f);
    let (exit_code, trap, message, results) = match outcome {
        Ok(results) => (
            0,
            Value::Null,
            Value::Null,
            results.iter().map(show).collect(),
        ),
        Err(e) => {
            if let Some(exit) = e.downcast_ref::<I32Exit>() {
                (exit.0, Value::Null, Value::Null, Vec::new())
            } else if let Some(t) = e.downcast_ref::<Trap>() {
                (
                    134,
                    json!(trap_code(t)),
                    json!(format!("{e:#}")),
                    Vec::new(),
                )
            } else {
                (1, json!("error"), json!(format!("{e:#}")), Vec::new())
            }
        }
    };
    let data = store.data();
    let region_ms = match (data.start, data.end) {
        (Some(s), Some(e)) => e.saturating_duration_since(s).as_secs_f64() * 1000.0,
        _ => total_ms,
    };
    Ok(json!({
        "wasmtimeVersion": WASMTIME_VERSION,
        "mode": o.mode.name(),
        "exitCode": exit_code,
        "trap": trap,
        "message": message,
        "fuelConsumed": consumed,
        "instantiateFuel": instantiate_fuel,
        "regionMs": region_ms,
        "compileMs": compile_ms,
        "totalMs": total_ms,
        "stdout": String::from_utf8_lossy(&stdout.contents()),
        "results": results,
    }))
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("batch") {
        if let Err(e) = batch::main(&argv[1..]) {
            eprintln!("wasmtime-runner: {e:#}");
            std::process::exit(1);
        }
        return;
    }
    let options = match parse_options(&argv) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("wasmtime-runner: {e:#}");
            std::process::exit(2);
        }
    };
    match run(options) {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("wasmtime-runner: {e:#}");
            std::process::exit(1);
        }
    }
}
