using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

/// <summary>
/// DNS-01 through Cloudflare's API: the <c>_acme-challenge</c> TXT record created in the name's zone, awaited on the
/// resolvers until all of them return it (at most <c>PropagationTimeout</c>), and deleted afterwards whatever happened.
/// </summary>
internal sealed partial class Dns01Responder(CloudflareDnsClient cloudflare, IOptions<AcmeOptions> options, ILogger<Dns01Responder> logger) : IAcmeChallengeResponder
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, (CloudflareZone Zone, string RecordId)> _records = new(StringComparer.Ordinal);

    public string Type => "dns-01";

    public static string RecordName(string name) => $"_acme-challenge.{name.TrimEnd('.')}";

    public static string RecordValue(string keyAuthorization) => AcmeJws.Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(keyAuthorization)));

    public async Task PrepareAsync(string name, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        var settings = options.Value.Dns01 ?? throw new InvalidOperationException("EdgeProxy:Acme:Dns01 is not configured");
        var recordName = RecordName(name);
        var value = RecordValue(keyAuthorization);
        var zone = await cloudflare.FindZoneAsync(recordName, cancellationToken);
        var recordId = await cloudflare.CreateTxtAsync(zone, recordName, value, cancellationToken);
        _records[token] = (zone, recordId);
        LogCreated(recordName, zone.Name);

        // Real time, not the renewal clock: this waits on DNS.
        var resolvers = DnsTxtLookup.Resolvers(settings.Resolvers);
        var until = DateTime.UtcNow + settings.PropagationTimeout;
        var missing = resolvers;
        while (true)
        {
            var answers = await Task.WhenAll(missing.Select(async r => (Resolver: r, Values: await DnsTxtLookup.QueryAsync(r, recordName, cancellationToken))));
            missing = [.. answers.Where(a => !a.Values.Contains(value)).Select(a => a.Resolver)];
            if (missing.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > until)
            {
                throw new AcmeProblemException($"the TXT record {recordName} was not visible on {string.Join(", ", missing)} within {settings.PropagationTimeout} (EdgeProxy:Acme:Dns01:PropagationTimeout)");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public async Task CleanupAsync(string name, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        if (!_records.TryRemove(token, out var record))
        {
            return;
        }

        try
        {
            await cloudflare.DeleteAsync(record.Zone, record.RecordId, RecordName(name), cancellationToken);
        }
        catch (Exception ex) when (ex is AcmeProblemException or HttpRequestException or TaskCanceledException)
        {
            LogCleanupFailed(RecordName(name), record.Zone.Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = Common.EventIds.AcmeDnsRecord, EventName = "AcmeDnsRecord", Level = LogLevel.Information, Message = "ACME DNS-01: created the TXT record {Record} in the Cloudflare zone {Zone}; waiting until the resolvers return it.")]
    private partial void LogCreated(string record, string zone);

    [LoggerMessage(EventId = Common.EventIds.AcmeDnsCleanupFailed, EventName = "AcmeDnsCleanupFailed", Level = LogLevel.Warning, Message = "ACME DNS-01: the TXT record {Record} in the Cloudflare zone {Zone} could not be deleted ({Reason}); delete it by hand.")]
    private partial void LogCleanupFailed(string record, string zone, string reason);
}
