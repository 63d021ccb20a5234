//! A value fetched by a server function: a loading line while it comes, the
//! page's view when it arrives, the error notice when it fails.

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error_notice::ErrorNotice;
use crate::error::AppError;

pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    loading: &'static str,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        // Pages render in order on the server (SsrMode::InOrder): the page waits
        // here for the value, so the loading line only shows if a page is ever
        // streamed out of order.
        <Suspense fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => render(value).into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
