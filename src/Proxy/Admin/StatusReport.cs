using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeProxy.Common;

namespace EdgeProxy.Admin;

/// <summary><c>/status</c>: every registered <see cref="IStatusSection"/>, as JSON for tools or as an HTML page for people.</summary>
internal sealed class StatusReport(IEnumerable<IStatusSection> sections, TimeProvider timeProvider)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public JsonObject Build()
    {
        var root = new JsonObject { ["generatedAt"] = timeProvider.GetUtcNow() };
        foreach (var section in sections)
        {
            root[section.Name] = section.GetStatus();
        }

        return root;
    }

    internal Task WriteAsync(HttpContext context)
    {
        var status = Build();
        context.Response.Headers.CacheControl = "no-store";
        if (PrefersHtml(context.Request))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(RenderHtml(status), context.RequestAborted);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(status.ToJsonString(JsonOptions), context.RequestAborted);
    }

    private static bool PrefersHtml(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase) &&
               !accept.Contains("application/json", StringComparison.OrdinalIgnoreCase);
    }

    private static string RenderHtml(JsonObject status)
    {
        var html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>EdgeProxy status</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}</style>")
            .Append("</head><body><h1>EdgeProxy status</h1>");
        foreach (var (name, node) in status)
        {
            html.Append("<h2>").Append(WebUtility.HtmlEncode(name)).Append("</h2>");
            AppendNode(html, node);
        }

        return html.Append("</body></html>").ToString();
    }

    private static void AppendNode(StringBuilder html, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                html.Append("<table>");
                foreach (var (key, value) in obj)
                {
                    html.Append("<tr><th>").Append(WebUtility.HtmlEncode(key)).Append("</th><td>");
                    AppendNode(html, value);
                    html.Append("</td></tr>");
                }

                html.Append("</table>");
                break;
            case JsonArray array:
                html.Append("<ul>");
                foreach (var item in array)
                {
                    html.Append("<li>");
                    AppendNode(html, item);
                    html.Append("</li>");
                }

                html.Append("</ul>");
                break;
            default:
                html.Append(WebUtility.HtmlEncode(node?.ToString() ?? ""));
                break;
        }
    }
}
