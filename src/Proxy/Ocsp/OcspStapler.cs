using EdgeProxy.Certificates;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Ocsp;

/// <summary>
/// Keeps an OCSP response for every served certificate that names a responder: fetched at start (before the proxy
/// reports ready), refreshed on <see cref="OcspRefreshSchedule"/> — on a timer, so an idle server never lets it lapse —
/// kept in <see cref="OcspResponseCache"/>, and handed to .NET's TLS stack through <see cref="OcspProxyEndpoint"/>.
/// <see cref="OcspWarmUp"/> handshakes make the TLS stack pick a new response up at once.
/// </summary>
internal sealed partial class OcspStapler(
    IConfiguration configuration,
    IHostEnvironment environment,
    IOptions<OcspOptions> options,
    OcspResponderClient responder,
    OcspResponseCache cache,
    OcspWarmUp warmUp,
    OcspProxyListener proxyListener,
    CertificateChanges changes,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<OcspStapler> logger) : BackgroundService
{
    private static readonly TimeSpan WarmUpInterval = TimeSpan.FromMinutes(15);

    private readonly OcspRefreshSchedule _schedule = new(options.Value.OcspRetryInterval);

    public OcspStaplingMode Mode { get; } = options.Value.OcspStapling;

    // Taken before the certificates are first looked at: a renewal while the first answers are fetched is followed too.
    private readonly Task _firstRenewal = changes.Next;

    // The renewals _certificates shows: fewer than announced while a renewed certificate is (about to be) served.
    private long _followedRenewals = changes.Announced;

    private volatile IReadOnlyList<OcspCertificate> _certificates = Discover(configuration, environment, options.Value);

    /// <summary>The certificates served now: found at start, found again after every renewal.</summary>
    public IReadOnlyList<OcspCertificate> Certificates => _certificates;

    /// <summary>True once the first fetch of every certificate was tried and handed to the TLS stack.</summary>
    public bool InitialRoundDone { get; private set; }

    public IEnumerable<OcspCertificate> Stapleable => Certificates.Where(c => c.CanStaple);

    /// <summary>
    /// The served certificate that <paramref name="id"/> is about: a known one, else, while a renewal is underway that
    /// this service has not followed yet (e.g. while the first round is still being fetched), one found again in the
    /// configuration: the TLS stack asks about a renewed certificate as soon as it serves it and, refused, would not ask
    /// again for minutes. Outside that window an unknown certificate costs nothing but the lookup. A certificate found
    /// this way is not kept: following the renewal finds it again.
    /// </summary>
    public async Task<OcspCertificate?> FindServedAsync(OcspCodec.CertificateId id)
    {
        if (Stapleable.FirstOrDefault(c => c.Id!.Matches(id)) is { } known)
        {
            return known;
        }

        if (changes.Announced == Interlocked.Read(ref _followedRenewals))
        {
            return null;
        }

        // Reads and parses the certificate files: on the thread pool, not the OCSP listener's event thread.
        var found = await Task.Run(() => Discover(configuration, environment, options.Value));
        return found.FirstOrDefault(c => c.CanStaple && c.Id!.Matches(id));
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var certificate in Certificates)
        {
            LogState(certificate.Key, certificate.State.Kind, certificate.State.Reason ?? "");
        }

        if (!Stapleable.Any())
        {
            InitialRoundDone = true;
            return Task.CompletedTask;
        }

        LoadKept(Stapleable);

        // Before Kestrel listens, so that the TLS stack's very first fetch already goes through the proxy.
        proxyListener.RouteTlsFetches(Stapleable.Select(c => c.ResponderUrl!));
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        foreach (var certificate in Stapleable)
        {
            await RefreshAsync(certificate, stoppingToken);
        }

        await warmUp.RunAsync(Stapleable, stoppingToken);
        InitialRoundDone = true;

        var lastWarmUp = timeProvider.GetUtcNow();
        var renewed = _firstRenewal;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = timeProvider.GetUtcNow();
            var next = _schedule.Next(latest: lastWarmUp + WarmUpInterval);
            if (next > now)
            {
                await Task.WhenAny(Task.Delay(next - now, timeProvider, stoppingToken), renewed).WaitAsync(stoppingToken);
                now = timeProvider.GetUtcNow();
            }

            if (renewed.IsCompleted)
            {
                renewed = changes.Next;
                await FollowRenewalAsync(stoppingToken);
                lastWarmUp = timeProvider.GetUtcNow();
                continue;
            }

            foreach (var certificate in _schedule.Due(now))
            {
                await RefreshAsync(certificate, stoppingToken);
            }

            await warmUp.RunAsync(Stapleable, stoppingToken);
            lastWarmUp = now;
        }
    }

    /// <summary>
    /// A renewed certificate is served: find the served certificates again, keep the state of those unchanged, and
    /// fetch, route and hand to TLS a response for each new one at once (within the renewal check interval).
    /// </summary>
    private async Task FollowRenewalAsync(CancellationToken cancellationToken)
    {
        var announced = changes.Announced;
        var current = _certificates;
        var found = Discover(configuration, environment, options.Value)
            .Select(f => current.FirstOrDefault(c => c.Key == f.Key && c.Leaf.RawData.AsSpan().SequenceEqual(f.Leaf.RawData)) ?? f)
            .ToList();
        var added = found.Where(c => !current.Contains(c) && c.CanStaple).ToList();
        _certificates = found;
        Interlocked.Exchange(ref _followedRenewals, announced);
        _schedule.Retain(found);
        foreach (var certificate in found.Except(current))
        {
            LogState(certificate.Key, certificate.State.Kind, certificate.State.Reason ?? "");
        }

        LoadKept(added);
        proxyListener.RouteTlsFetches(Stapleable.Select(c => c.ResponderUrl!));
        foreach (var certificate in added)
        {
            await RefreshAsync(certificate, cancellationToken);
        }

        await warmUp.RunAsync(Stapleable, cancellationToken);
    }

    private static List<OcspCertificate> Discover(IConfiguration configuration, IHostEnvironment environment, OcspOptions options) =>
        [.. OcspCertificateDiscovery.Find(configuration, environment.ContentRootPath, enabled: options.OcspStapling != OcspStaplingMode.False)];

    private void LoadKept(IEnumerable<OcspCertificate> certificates)
    {
        foreach (var certificate in certificates)
        {
            if (cache.Read(certificate) is { } kept && Accept(certificate, kept) is not null)
            {
                LogFromDisk(certificate.Key, cache.PathOf(certificate));
            }
        }
    }

    /// <summary>Asks the responder once; a good or revoked answer replaces the held one, a failure keeps it.</summary>
    internal async Task RefreshAsync(OcspCertificate certificate, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var (response, error) = await responder.FetchAsync(certificate, OcspCodec.EncodeRequest(certificate.Id!), cancellationToken);
        if (response is not null)
        {
            if (Accept(certificate, response, out var invalid) is { } accepted)
            {
                await KeepAsync(certificate);
                _schedule.Succeeded(certificate, accepted, now);
                return;
            }

            if (invalid)
            {
                _schedule.Failed(certificate, now); // Accept has recorded why
                return;
            }
        }

        _schedule.Failed(certificate, now);
        var state = certificate.State;
        certificate.State = state.HoldsValidResponse(now)
            ? state with { LastError = error, FailingSince = state.FailingSince ?? now }
            : new OcspState(OcspStateKind.ResponderUnreachable, FailingSince: state.FailingSince ?? now, LastError: error);
        LogFetchFailed(certificate.Key, certificate.ResponderUrl!, error ?? "", certificate.State.Kind);
    }

    /// <summary>Takes a DER response about <paramref name="certificate"/> if it is usable (held); returns what it said.</summary>
    internal OcspCodec.Answer? Accept(OcspCertificate certificate, byte[] response) => Accept(certificate, response, out _);

    /// <summary>
    /// Keeps the response held for <paramref name="certificate"/> on disk, on the thread pool: its callers continue on a
    /// socket's event thread after the fetch, and the write syncs to disk. What is held when the write runs, so that two
    /// answers accepted at once leave the later one on disk.
    /// </summary>
    internal Task KeepAsync(OcspCertificate certificate) => Task.Run(
        () =>
        {
            if (certificate.State.Response is { } held)
            {
                cache.Save(certificate, held);
            }
        },
        CancellationToken.None);

    /// <param name="invalid">The answer was refused as unbelievable (the state says so), not merely unusable.</param>
    internal OcspCodec.Answer? Accept(OcspCertificate certificate, byte[] response, out bool invalid)
    {
        var now = timeProvider.GetUtcNow();
        var answer = OcspCodec.DecodeResponse(response, certificate.Id!, certificate.Issuer!, now, out var error, out invalid);
        if (invalid)
        {
            // Never stapled or cached; a valid response still held keeps serving (and readiness stays as it was).
            var state = certificate.State;
            certificate.State = state.HoldsValidResponse(now)
                ? state with { LastError = InvalidPrefix + error }
                : new OcspState(OcspStateKind.InvalidResponse, FailingSince: state.FailingSince ?? now, LastError: InvalidPrefix + error);
            LogFetchFailed(certificate.Key, certificate.ResponderUrl!, InvalidPrefix + error, certificate.State.Kind);
            return null;
        }

        if (answer is null || answer.NextUpdate < now)
        {
            LogFetchFailed(certificate.Key, certificate.ResponderUrl!, error ?? "the response has expired", certificate.State.Kind);
            return null;
        }

        var kind = answer.Status switch
        {
            OcspCodec.CertificateStatus.Good => OcspStateKind.StapledGood,
            OcspCodec.CertificateStatus.Revoked => OcspStateKind.Revoked,
            _ => OcspStateKind.Unknown,
        };
        var previous = certificate.State;
        certificate.State = new OcspState(kind, answer.ThisUpdate, answer.NextUpdate, answer.RevokedAt, HandedToTlsAt: previous.HandedToTlsAt, Response: response);
        if (previous.Kind != kind && kind == OcspStateKind.StapledGood)
        {
            LogGood(certificate.Key, answer.ThisUpdate, answer.NextUpdate);
        }
        else if (previous.Kind != kind)
        {
            LogBad(certificate.Key, kind);
        }

        return answer;
    }

    private const string InvalidPrefix = "invalid response: ";

    [LoggerMessage(EventId = EventIds.OcspCertificateState, EventName = "OcspCertificateState", Level = LogLevel.Information, Message = "OCSP {Certificate}: {State} {Reason}")]
    private partial void LogState(string certificate, OcspStateKind state, string reason);

    [LoggerMessage(EventId = EventIds.OcspGoodResponse, EventName = "OcspGoodResponse", Level = LogLevel.Information, Message = "OCSP {Certificate}: good response held and stapled (thisUpdate {ThisUpdate:u}, nextUpdate {NextUpdate:u}).")]
    private partial void LogGood(string certificate, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate);

    [LoggerMessage(EventId = EventIds.OcspBadStatus, EventName = "OcspBadStatus", Level = LogLevel.Error, Message = "OCSP {Certificate}: the responder says {State}; clients that check will refuse this certificate. Replace it.")]
    private partial void LogBad(string certificate, OcspStateKind state);

    [LoggerMessage(EventId = EventIds.OcspFetchFailed, EventName = "OcspFetchFailed", Level = LogLevel.Warning, Message = "OCSP {Certificate}: fetch from {Responder} failed ({Error}); state {State}.")]
    private partial void LogFetchFailed(string certificate, string responder, string error, OcspStateKind state);

    [LoggerMessage(EventId = EventIds.OcspFromDisk, EventName = "OcspFromDisk", Level = LogLevel.Information, Message = "OCSP {Certificate}: using the response kept in {Path} until the responder answers.")]
    private partial void LogFromDisk(string certificate, string path);
}
