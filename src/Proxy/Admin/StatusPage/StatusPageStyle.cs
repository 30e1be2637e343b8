namespace EdgeProxy.Admin.StatusPage;

/// <summary>The page's style (served as <c>/status.css</c>): light and dark palettes, tables that scroll sideways on a phone.</summary>
internal static class StatusPageStyle
{
    public const string Css = """
        :root{--bg:#f7f7f5;--fg:#1d1f21;--muted:#5c6166;--line:#d6d8da;--card:#fff;--head:#eef0f2;
        --ok-bg:#d9f2df;--ok-fg:#0b5d1e;--warn-bg:#fff0c2;--warn-fg:#6b4a00;--bad-bg:#fbd9d6;--bad-fg:#8a1c12;--off-bg:#e6e7e8;--off-fg:#44484c}
        @media (prefers-color-scheme:dark){:root{--bg:#15171a;--fg:#e4e6e8;--muted:#9aa1a8;--line:#33373c;--card:#1d2024;--head:#262a2f;
        --ok-bg:#123d20;--ok-fg:#9ee6b0;--warn-bg:#43360c;--warn-fg:#ffd972;--bad-bg:#4a1813;--bad-fg:#ffb0a6;--off-bg:#2b2f34;--off-fg:#b9bfc5}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1400px;padding:12px 16px 32px;background:var(--bg);color:var(--fg);
        font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        h1{font-size:20px;margin:4px 0}h2{font-size:16px;margin:24px 0 8px}
        .meta{color:var(--muted);margin:2px 0 8px}
        .sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        .verdict{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
        .headline{font-size:17px;font-weight:600;margin:0 0 8px;padding:6px 10px;border-radius:6px}
        .problems{margin:0 0 8px;padding-left:20px}
        .badges{display:flex;flex-wrap:wrap;gap:8px;list-style:none;margin:0;padding:0}
        .badge{border-radius:6px;padding:6px 10px;flex:1 1 220px;min-width:0}
        .badge-label{font-weight:600}.badge-level{text-transform:uppercase;font-size:11px;font-weight:700;letter-spacing:.04em}
        .badge-text{display:block;overflow-wrap:anywhere}
        [data-level=ok],[data-level=Healthy],[data-level=UP]{background:var(--ok-bg);color:var(--ok-fg)}
        [data-level=warn],[data-level=DRAIN]{background:var(--warn-bg);color:var(--warn-fg)}
        [data-level=bad],[data-level=Unhealthy],[data-level=DOWN]{background:var(--bad-bg);color:var(--bad-fg)}
        [data-level=off],[data-level=Unknown],[data-level=MAINT]{background:var(--off-bg);color:var(--off-fg)}
        .scroll{overflow-x:auto;margin-bottom:12px;border:1px solid var(--line);border-radius:8px;background:var(--card)}
        table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
        caption{text-align:left;padding:8px 10px;caption-side:top}
        th,td{padding:5px 10px;border-top:1px solid var(--line);text-align:left;vertical-align:top}
        th,.num,.health,.addr{white-space:nowrap}
        thead th{background:var(--head);font-size:12px;color:var(--muted);border-top:0}
        tbody th{font-weight:600}tfoot th,tfoot td{font-weight:600;background:var(--head)}
        .num{text-align:right}.health{font-weight:600}.err{white-space:normal;min-width:10em}
        .addr,.nets{color:var(--muted)}.nets{white-space:normal;font-family:ui-monospace,monospace;font-size:12px;margin:4px 0}
        details summary{cursor:pointer}
        form{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:8px 0}
        input,button{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:4px;background:var(--card);color:var(--fg)}
        output{flex-basis:100%;font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}
        .actions{white-space:nowrap}.actions button{padding:2px 6px;font-size:12px;cursor:pointer}.check{white-space:nowrap}
        footer{color:var(--muted);margin-top:24px}
        @media (max-width:700px){body{padding:8px}th,td{padding:4px 6px}.badge{flex-basis:100%}}
        """;
}
