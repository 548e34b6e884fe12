//! The steps of a call as JavaScript sees them (`CallStep`, settled on the main thread), what
//! they carry before that (`Outcome`), and the jobs JavaScript sends to the wasm thread.

use super::reply::Reply;
use super::worker::Member;
use crate::errors::Failure;
use crate::signals::TrapInfo;
use napi::bindgen_prelude::Buffer;
use napi::{Env, JsDeferred};

/// One step of a call, as JavaScript receives it.
#[napi_derive::napi(object)]
pub struct CallStep {
    /// `returned`, `host` (run host function `host_index` on `slots`, then `resume`), `trapped`
    /// or `failed` (`error` holds a native error message).
    pub kind: String,
    pub slots: Option<Buffer>,
    pub host_index: Option<u32>,
    /// The store member whose host function `host_index` is (a call may run other members'
    /// code through their exported functions).
    pub host_member: Option<u32>,
    /// The fuel counter in the store context after the call (or at the trap).
    pub fuel_counter: Option<i64>,
    /// The pinned register when the trap was taken.
    pub pinned: Option<i64>,
    /// The fuel checker unwound the call.
    pub interrupted: Option<bool>,
    /// Cranelift's trap code (`user2`, `stk_ovf`, ...).
    pub trap_code: Option<String>,
    /// A native error (marker + JSON), decoded by the facade.
    pub error: Option<String>,
}

/// What a step carries before it is turned into JavaScript values on the main thread.
pub(super) enum Outcome {
    Returned {
        slots: Vec<u8>,
        fuel: i64,
    },
    Host {
        member: u32,
        index: u32,
        slots: Vec<u8>,
    },
    Trapped {
        failure: Failure,
        trap: TrapInfo,
        fuel: i64,
    },
    Failed(Failure),
}

pub(super) type StepResolver = Box<dyn FnOnce(Env) -> napi::Result<CallStep> + Send>;
pub(super) type Deferred = JsDeferred<CallStep, StepResolver>;

pub(super) fn settle(deferred: Deferred, outcome: Outcome) {
    deferred.resolve(Box::new(move |_env| Ok(step_of(outcome))));
}

/// The JavaScript view of `outcome` (built on the main thread: `Buffer`s belong to it).
pub(super) fn step_of(outcome: Outcome) -> CallStep {
    let empty = CallStep {
        kind: String::new(),
        slots: None,
        host_index: None,
        host_member: None,
        fuel_counter: None,
        pinned: None,
        interrupted: None,
        trap_code: None,
        error: None,
    };
    match outcome {
        Outcome::Returned { slots, fuel } => CallStep {
            kind: "returned".into(),
            slots: Some(slots.into()),
            fuel_counter: Some(fuel),
            ..empty
        },
        Outcome::Host {
            member,
            index,
            slots,
        } => CallStep {
            kind: "host".into(),
            slots: Some(slots.into()),
            host_index: Some(index),
            host_member: Some(member),
            ..empty
        },
        Outcome::Trapped {
            failure,
            trap,
            fuel,
        } => {
            let trap_code = match &failure {
                Failure::Trap { trap_code, .. } => Some(trap_code.clone()),
                _ => None,
            };
            CallStep {
                kind: "trapped".into(),
                fuel_counter: Some(fuel),
                pinned: Some(trap.pinned as i64),
                interrupted: Some(trap.interrupted != 0),
                trap_code,
                error: Some(failure.message()),
                ..empty
            }
        }
        Outcome::Failed(failure) => CallStep {
            kind: "failed".into(),
            error: Some(failure.message()),
            ..empty
        },
    }
}

pub(super) enum Job {
    /// Calls function `index` of store member `member`.
    Call {
        member: usize,
        index: usize,
        args: Vec<u8>,
        fuel: Option<i64>,
        reply: Reply,
    },
    Resume {
        slots: Vec<u8>,
        failed: bool,
        reply: Reply,
    },
    /// A new instance joins the store: its code and context move to the wasm thread.
    Join(Member),
}

impl Job {
    /// Settles the job's promise with `failure` instead of running it.
    pub(super) fn fail(self, failure: Failure) {
        match self {
            Job::Call { reply, .. } | Job::Resume { reply, .. } => {
                reply.deliver(Outcome::Failed(failure))
            }
            Job::Join(_) => {}
        }
    }
}
