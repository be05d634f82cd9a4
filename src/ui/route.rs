//! Where the user is: the view and its filters, kept in the query string (`./?view=people&rep=…`) so any
//! static host serves every URL, reload and back work, and a view can be bookmarked without data.

use leptos_router::params::ParamsMap;

/// The app's views: Import, then the five foundations of the sales manager's role, then the forecast call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Import,
    People,
    Planning,
    Process,
    Pipeline,
    Performance,
    /// The forecast call's deal list.
    Forecast,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Import,
        View::People,
        View::Planning,
        View::Process,
        View::Pipeline,
        View::Performance,
        View::Forecast,
    ];

    /// The value of `view=` in the URL.
    pub fn slug(self) -> &'static str {
        match self {
            View::Import => "import",
            View::People => "people",
            View::Planning => "planning",
            View::Process => "process",
            View::Pipeline => "pipeline",
            View::Performance => "performance",
            View::Forecast => "forecast",
        }
    }

    /// The name in the nav.
    pub fn label(self) -> &'static str {
        match self {
            View::Import => "Import",
            View::People => "People",
            View::Planning => "Planning",
            View::Process => "Process",
            View::Pipeline => "Pipeline",
            View::Performance => "Performance",
            View::Forecast => "Forecast",
        }
    }

    /// The view named by a query map; an absent or unknown `view` opens Import.
    pub fn from_query(query: &ParamsMap) -> View {
        let slug = query.get_str("view").unwrap_or_default();
        View::ALL
            .into_iter()
            .find(|v| v.slug() == slug)
            .unwrap_or(View::Import)
    }
}

/// The view the page's address names now (outside the reactive graph: for code that runs after async work).
pub fn view_in_location() -> View {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let slug = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("view="))
        .unwrap_or_default();
    View::ALL
        .into_iter()
        .find(|v| v.slug() == slug)
        .unwrap_or(View::Import)
}

/// A relative link to `view` that keeps the other filters of the current query.
pub fn href_for(view: View, query: &ParamsMap) -> String {
    let mut query = query.clone();
    query.replace("view", view.slug().to_owned());
    query.to_query_string()
}
