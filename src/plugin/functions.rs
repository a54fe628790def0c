//! Provider functions (protocol 6.5, Terraform 1.8 and later): what a function declares, and the
//! `GetFunctions` / `CallFunction` conversions — values in as JSON, out as msgpack. It knows no
//! concrete function.

use std::collections::HashMap;

use super::proto::tfplugin6 as pb;

/// One parameter of a function.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name, shown in errors and docs.
    pub name: &'static str,
    /// Its Terraform type, as Terraform writes types in JSON (`"string"`, `["object", {...}]`).
    pub kind: serde_json::Value,
    /// Its description, in markdown.
    pub description: String,
}

/// What a function declares.
#[derive(Debug, Clone)]
pub struct Signature {
    /// Its parameters, in order.
    pub parameters: Vec<Parameter>,
    /// The type of what it returns, as JSON.
    pub returns: serde_json::Value,
    /// A one-line summary.
    pub summary: &'static str,
    /// A longer description, in markdown.
    pub description: &'static str,
}

/// Why a call failed: the text Terraform shows, and the argument it is about (from 0), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// What is wrong.
    pub text: String,
    /// The argument at fault.
    pub argument: Option<i64>,
}

/// A function a provider serves.
pub trait FunctionHandler: Send + Sync {
    /// What it declares.
    fn signature(&self) -> Signature;
    /// Its result for `arguments` (known, non-null values, as the signature's types in JSON).
    fn call(&self, arguments: &[serde_json::Value]) -> Result<serde_json::Value, CallError>;
}

/// The functions of a provider, by name.
pub type Functions = HashMap<String, Box<dyn FunctionHandler>>;

/// Every function's declaration, for `GetFunctions` and `GetProviderSchema`.
pub fn declarations(functions: &Functions) -> HashMap<String, pb::Function> {
    functions
        .iter()
        .map(|(name, function)| (name.clone(), declaration(&function.signature())))
        .collect()
}

fn declaration(signature: &Signature) -> pb::Function {
    pb::Function {
        parameters: signature
            .parameters
            .iter()
            .map(|p| pb::function::Parameter {
                name: p.name.to_owned(),
                r#type: p.kind.to_string().into_bytes(),
                allow_null_value: false,
                allow_unknown_values: false,
                description: p.description.clone(),
                description_kind: pb::StringKind::Markdown as i32,
            })
            .collect(),
        variadic_parameter: None,
        r#return: Some(pb::function::Return {
            r#type: signature.returns.to_string().into_bytes(),
        }),
        summary: signature.summary.to_owned(),
        description: signature.description.to_owned(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: String::new(),
    }
}

/// `CallFunction`: decode the arguments, call, encode the result or the error.
pub fn call(functions: &Functions, request: pb::call_function::Request) -> pb::call_function::Response {
    let failed = |text: String, argument: Option<i64>| pb::call_function::Response {
        result: None,
        error: Some(pb::FunctionError {
            text,
            function_argument: argument,
        }),
    };
    let Some(function) = functions.get(&request.name) else {
        return failed(format!("This provider has no function {:?}.", request.name), None);
    };
    let mut arguments = Vec::with_capacity(request.arguments.len());
    for (index, argument) in request.arguments.iter().enumerate() {
        match rmp_serde::from_slice::<serde_json::Value>(&argument.msgpack) {
            Ok(value) => arguments.push(value),
            Err(e) => {
                return failed(
                    format!("The argument could not be read: {e}."),
                    Some(index as i64),
                )
            }
        }
    }
    match function.call(&arguments) {
        Ok(value) => match rmp_serde::to_vec_named(&value) {
            Ok(msgpack) => pb::call_function::Response {
                result: Some(super::convert::dynamic(msgpack)),
                error: None,
            },
            Err(e) => failed(format!("The result could not be encoded: {e}."), None),
        },
        Err(e) => failed(e.text, e.argument),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Twice;

    impl FunctionHandler for Twice {
        fn signature(&self) -> Signature {
            Signature {
                parameters: vec![Parameter {
                    name: "n",
                    kind: serde_json::json!("number"),
                    description: "a number".into(),
                }],
                returns: serde_json::json!("number"),
                summary: "twice",
                description: "Twice n.",
            }
        }

        fn call(&self, arguments: &[serde_json::Value]) -> Result<serde_json::Value, CallError> {
            match arguments.first().and_then(|n| n.as_i64()) {
                Some(n) => Ok(serde_json::json!(n * 2)),
                None => Err(CallError {
                    text: "not a whole number".into(),
                    argument: Some(0),
                }),
            }
        }
    }

    fn functions() -> Functions {
        HashMap::from([("twice".to_owned(), Box::new(Twice) as Box<dyn FunctionHandler>)])
    }

    fn request(name: &str, argument: serde_json::Value) -> pb::call_function::Request {
        pb::call_function::Request {
            name: name.into(),
            arguments: vec![super::super::convert::dynamic(
                rmp_serde::to_vec_named(&argument).expect("encode"),
            )],
        }
    }

    #[test]
    fn calls_decode_arguments_and_encode_results_or_argument_errors() {
        let answer = call(&functions(), request("twice", serde_json::json!(21)));
        let result = answer.result.expect("result");
        let value: serde_json::Value = rmp_serde::from_slice(&result.msgpack).expect("decode");
        assert_eq!(value, serde_json::json!(42));
        let refused = call(&functions(), request("twice", serde_json::json!("x")));
        assert_eq!(refused.error.and_then(|e| e.function_argument), Some(0));
        let unknown = call(&functions(), request("thrice", serde_json::json!(1)));
        assert!(unknown.error.is_some_and(|e| e.text.contains("no function")));
        let declared = declarations(&functions());
        assert_eq!(declared["twice"].parameters[0].r#type, b"\"number\"");
    }
}
