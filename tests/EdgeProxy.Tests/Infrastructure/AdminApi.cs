using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>A proxy under test with an admin listener: in this process (<see cref="ProxyUnderTest"/>) or as its own process (<see cref="ProxyServerProcess"/>).</summary>
public interface IAdminEndpoint
{
    /// <summary>A client with the admin listener as its base address.</summary>
    HttpClient Admin { get; }
}

/// <summary>The admin requests tests make, written once for both fixtures.</summary>
public static class AdminApi
{
    /// <summary><c>GET /status</c> as JSON; fails unless it answers 2xx.</summary>
    public static async Task<JsonObject> GetStatusAsync(this IAdminEndpoint proxy)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await proxy.Admin.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Any admin JSON answer, whatever its status code (the refusals are JSON too).</summary>
    public static async Task<JsonObject> GetAdminJsonAsync(this IAdminEndpoint proxy, string pathAndQuery)
    {
        using var response = await proxy.Admin.GetAsync(pathAndQuery);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Status code and body as one string, e.g. <c>"200 Healthy"</c>.</summary>
    public static async Task<string> GetAdminTextAsync(this IAdminEndpoint proxy, string path)
    {
        using var response = await proxy.Admin.GetAsync(path);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>The Prometheus text of <c>/metrics</c>; fails unless it answers 2xx.</summary>
    public static async Task<string> GetMetricsAsync(this IAdminEndpoint proxy)
    {
        using var response = await proxy.Admin.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// The value of one series, named with its labels as exported (<c>name{label="value"}</c>); fails unless exactly one
    /// line carries it and its value is a whole number.
    /// </summary>
    public static async Task<long> MetricAsync(this IAdminEndpoint proxy, string series)
    {
        var text = await proxy.GetMetricsAsync();
        var lines = text.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, $"{lines.Count} lines for {series} in /metrics:\n{text}");
        return long.Parse(lines[0][(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
