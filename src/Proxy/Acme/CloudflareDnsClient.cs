using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

/// <summary>
/// Cloudflare's v4 DNS API with a Bearer token (scope <c>Zone:DNS:Edit</c>): the zone of a name (the longest suffix
/// Cloudflare knows), TXT records created and deleted. A refused token is a permanent error: no retry storm.
/// </summary>
internal sealed class CloudflareDnsClient(IHttpClientFactory httpClients, IOptions<AcmeOptions> options, IHostEnvironment environment)
{
    public const string HttpClientName = "acme-cloudflare";

    private AcmeDns01Options Settings => options.Value.Dns01 ?? throw new InvalidOperationException("EdgeProxy:Acme:Dns01 is not configured");

    /// <summary>The zone holding <paramref name="recordName"/>: its parent names asked from the longest down to two labels.</summary>
    public async Task<CloudflareZone> FindZoneAsync(string recordName, CancellationToken cancellationToken)
    {
        var labels = recordName.TrimEnd('.').Split('.');
        for (var i = 1; i <= labels.Length - 2; i++)
        {
            var candidate = string.Join('.', labels[i..]);
            var answer = await SendAsync(HttpMethod.Get, $"zones?name={Uri.EscapeDataString(candidate)}", null, CloudflareDnsJsonContext.Default.CloudflareZonesAnswer, $"looking up the zone {candidate}", cancellationToken);
            if (answer.Result is { Length: > 0 } zones)
            {
                return zones[0];
            }
        }

        throw new AcmeProblemException($"Cloudflare has no zone for {recordName} that this token can see (EdgeProxy:Acme:Dns01:ApiToken needs Zone:DNS:Edit on it)") { Permanent = true };
    }

    public async Task<string> CreateTxtAsync(CloudflareZone zone, string recordName, string content, CancellationToken cancellationToken)
    {
        var body = JsonContent.Create(new CloudflareTxtRecordRequest("TXT", recordName, content, 60), CloudflareDnsJsonContext.Default.CloudflareTxtRecordRequest);
        var answer = await SendAsync(HttpMethod.Post, $"zones/{zone.Id}/dns_records", body, CloudflareDnsJsonContext.Default.CloudflareRecordAnswer, $"creating the TXT record {recordName}", cancellationToken);
        return answer.Result?.Id ?? throw new AcmeProblemException($"Cloudflare created the TXT record {recordName} but returned no id");
    }

    public Task DeleteAsync(CloudflareZone zone, string recordId, string recordName, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"zones/{zone.Id}/dns_records/{recordId}", null, CloudflareDnsJsonContext.Default.CloudflareRecordAnswer, $"deleting the TXT record {recordName}", cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        using var http = httpClients.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(method, $"{Settings.ApiUrl.TrimEnd('/')}/{path}") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        using var response = await http.SendAsync(request, cancellationToken);
        T? answer = default;
        try
        {
            answer = await response.Content.ReadFromJsonAsync(type, cancellationToken);
        }
        catch (JsonException)
        {
            // Reported below with the status.
        }

        var errors = answer switch
        {
            CloudflareZonesAnswer zones => zones.Errors,
            CloudflareRecordAnswer record => record.Errors,
            _ => null,
        };
        var success = answer switch
        {
            CloudflareZonesAnswer zones => zones.Success,
            CloudflareRecordAnswer record => record.Success,
            _ => false,
        };
        if (response.IsSuccessStatusCode && success && answer is not null)
        {
            return answer;
        }

        var detail = errors is { Length: > 0 } ? string.Join("; ", errors.Select(e => $"{e.Code} {e.Message}")) : "no error detail";
        var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
        throw new AcmeProblemException(
            refused
                ? $"Cloudflare refused the API token while {what}: {(int)response.StatusCode} ({detail}); the token (EdgeProxy:Acme:Dns01:ApiToken or ApiTokenFile) needs Zone:DNS:Edit on the zone"
                : $"Cloudflare failed {what}: {(int)response.StatusCode} ({detail})",
            retryAfter: AcmeClient.RetryAfter(response))
        {
            Permanent = refused,
        };
    }

    /// <summary>Read at each use, so a rotated token file is picked up without a restart.</summary>
    private string Token() =>
        Settings.ApiTokenFile is { Length: > 0 } file ? File.ReadAllText(Path.GetFullPath(file, environment.ContentRootPath)).Trim() : Settings.ApiToken ?? "";
}
