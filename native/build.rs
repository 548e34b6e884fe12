// Build script: napi-rs linker setup, plus the small C shim that owns sigsetjmp/siglongjmp and the
// signal handlers (a longjmp must never cross Rust frames, so the whole unwinding path is C).
fn main() {
    napi_build::setup();
    println!("cargo:rerun-if-changed=src/call_shim.c");
    cc::Build::new()
        .file("src/call_shim.c")
        .flag_if_supported("-std=gnu11")
        .flag_if_supported("-fno-omit-frame-pointer")
        .warnings(true)
        .compile("slackfuel_call_shim");
}
