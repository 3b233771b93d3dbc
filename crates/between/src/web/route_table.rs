//! Every URL the server answers, as data. The router is built from this
//! table so that a test can enumerate each route and prove who may reach it
//! (`tests/authorization.rs`): a route cannot exist without a row here.

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};
use axum::Router;

use super::body_limit::BodyLimit;
use super::WebState;

/// One method on one path and the handler that answers it.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    handler: MethodRouter<WebState>,
}

macro_rules! constructor {
    ($name:ident, $method:ident) => {
        pub fn $name<H, T>(path: &'static str, handler: H) -> Route
        where
            H: Handler<T, WebState>,
            T: 'static,
        {
            Route {
                method: Method::$method,
                path,
                handler: routing::$name(handler),
            }
        }
    };
}

constructor!(get, GET);
constructor!(post, POST);
constructor!(put, PUT);
constructor!(patch, PATCH);
constructor!(delete, DELETE);

impl Route {
    /// A larger (or smaller) body limit for this route alone; a body over
    /// it answers 413 naming this limit.
    pub fn body_limit(mut self, bytes: usize) -> Route {
        self.handler = self.handler.layer(BodyLimit(bytes));
        self
    }
}

/// A router answering every route of `table`; methods on one path merge
/// (a method listed twice for a path panics at start-up).
pub fn build(table: Vec<Route>) -> Router<WebState> {
    table
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
}

/// A route as the outside world sees it: method and full path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub method: String,
    pub path: String,
}

/// Every page and API endpoint the router answers.
pub fn endpoints() -> Vec<Endpoint> {
    let pages = super::routes::table().into_iter().map(|r| Endpoint {
        method: r.method.to_string(),
        path: r.path.to_string(),
    });
    let api = super::api::table().into_iter().map(|r| Endpoint {
        method: r.method.to_string(),
        path: format!("{}{}", super::api::PREFIX, r.path),
    });
    pages.chain(api).collect()
}
