using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Destinations;

/// <summary>The runtime API as an operator's script calls it.</summary>
internal static class DestinationApi
{
    /// <summary><c>POST /destinations/{cluster}/{destination}/{action}</c>: status code and body.</summary>
    public static async Task<(int Status, string Body)> SetAsync(HttpClient admin, string cluster, string destination, string action, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/destinations/{cluster}/{destination}/{action}");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await admin.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sets a state and fails unless it was accepted.</summary>
    public static async Task SetOkAsync(this IAdminEndpoint proxy, string destination, string action, string? token = null)
    {
        var (status, body) = await SetAsync(proxy.Admin, "main", destination, action, token);
        Assert.True(status == 200, $"{action} {destination}: {status} {body}");
    }

    /// <summary><c>GET /destinations</c>: one destination's entry.</summary>
    public static async Task<JsonObject> GetAsync(this IAdminEndpoint proxy, string destination, string cluster = "main")
    {
        var list = await proxy.Admin.GetFromJsonAsync<JsonObject>("/destinations");
        var entry = list!["clusters"]!.AsArray().Single(c => (string?)c!["id"] == cluster)!["destinations"]!.AsArray()
            .SingleOrDefault(d => (string?)d!["id"] == destination);
        Assert.True(entry is not null, $"{cluster}/{destination} not in {list}");
        return entry!.AsObject();
    }

    /// <summary>Which backend answered each of <paramref name="count"/> requests (failing on anything but 200).</summary>
    public static async Task<List<string>> BackendsAsync(HttpClient http, int count)
    {
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await http.GetAsync($"/r{i}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"request {i}: {(int)response.StatusCode} {body}");
            answers.Add(body);
        }

        return answers;
    }
}
