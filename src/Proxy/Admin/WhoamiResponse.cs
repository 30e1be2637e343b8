using System.Text;
using System.Text.Json.Nodes;
using EdgeProxy.Common;

namespace EdgeProxy.Admin;

/// <summary>
/// The built-in "whoami" backend: echoes what a backend receives from the proxy (method, path, headers, client address),
/// so a first run shows the proxy working with no other process. Text by default, JSON with <c>Accept: application/json</c>.
/// </summary>
internal static class WhoamiResponse
{
    public static Task WriteAsync(HttpContext context)
    {
        var request = context.Request;
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "";
        context.Response.Headers.CacheControl = "no-store";
        if (request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase))
        {
            var headers = new JsonObject();
            foreach (var (name, values) in request.Headers)
            {
                headers[name] = StatusJson.Strings(values.OfType<string>());
            }

            var body = new JsonObject
            {
                ["method"] = request.Method,
                ["path"] = request.Path.Value,
                ["query"] = request.QueryString.Value,
                ["protocol"] = request.Protocol,
                ["remoteAddress"] = remote,
                ["headers"] = headers,
            };
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
        }

        var text = new StringBuilder()
            .Append("RemoteAddr: ").Append(remote).Append('\n')
            .Append(request.Method).Append(' ').Append(request.Path).Append(request.QueryString).Append(' ').Append(request.Protocol).Append('\n');
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                text.Append(name).Append(": ").Append(value).Append('\n');
            }
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }
}
