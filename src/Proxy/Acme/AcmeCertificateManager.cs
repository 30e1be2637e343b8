using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

/// <summary>
/// Keeps every configured certificate issued: at start it serves what <c>DataPath/acme</c> holds (ordering nothing for a
/// stored certificate that still covers its names and is not due), orders what is missing, and renews when a third of
/// the lifetime (or <c>RenewBefore</c>) is left, with jitter so that replicas do not all order at the same moment.
/// A failure is retried with exponential backoff (and never sooner than the CA's <c>Retry-After</c>); the last
/// certificate, even an expired one, is served meanwhile.
/// </summary>
internal sealed partial class AcmeCertificateManager(
    IOptions<AcmeOptions> options,
    AcmeStorage storage,
    AcmeCertificateSource source,
    AcmeClientFactory clients,
    IEnumerable<IAcmeChallengeResponder> responders,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<AcmeCertificateManager> logger) : BackgroundService
{
    /// <summary>First retry delay after a failure; doubles per further failure up to <see cref="MaxRetryDelay"/>.</summary>
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMinutes(5);
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(12);

    /// <summary>The loop looks again at least this often, so a clock that jumps (suspend, a test clock) is noticed.</summary>
    internal static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    // None while disabled: /status then lists nothing as "pending" that will never be ordered.
    private readonly List<AcmeCertificateState> _states = options.Value.Enabled ? [.. options.Value.Certificates.Select(c => new AcmeCertificateState(c.Key, c.Value))] : [];
    private int _successes;
    private int _failures;

    public int Successes => Volatile.Read(ref _successes);

    public int Failures => Volatile.Read(ref _failures);

    public IReadOnlyList<AcmeCertificateSnapshot> Snapshot()
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            return [.. _states.Select(s => new AcmeCertificateSnapshot(
                s.Name, s.Options.Names, s.Options.Challenge, s.Options.KeyType, s.StateName(now),
                s.Served?.NotBefore, s.Served?.NotAfter, s.Served?.Leaf.SerialNumber, s.NextAttemptAt,
                s.LastAttemptAt, s.LastSuccessAt, s.LastError, s.ConsecutiveFailures))];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        LoadStored();
        try
        {
            // Hosted services start before Kestrel listens; the CA's validation must find the listeners open.
            await WaitForListenersAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                foreach (var state in _states.Where(s => s.NextAttemptAt <= timeProvider.GetUtcNow()).ToArray())
                {
                    await RenewAsync(state, stoppingToken);
                }

                var now = timeProvider.GetUtcNow();
                var next = _states.Count == 0 ? now + MaxSleep : _states.Min(s => s.NextAttemptAt);
                var sleep = next - now;
                await Task.Delay(sleep < TimeSpan.Zero ? TimeSpan.Zero : sleep > MaxSleep ? MaxSleep : sleep, timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task WaitForListenersAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    private void LoadStored()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var state in _states)
        {
            AcmeIssuedCertificate? stored = null;
            try
            {
                stored = storage.Load(state.Name);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                LogStoredUnusable(state.Name, ex.Message);
            }

            lock (_lock)
            {
                if (stored is not null && stored.Covers(state.Options.Names))
                {
                    state.Served = stored;
                    state.NextAttemptAt = RenewalTime(stored);
                    source.Serve(state.Name, stored);
                    LogServingStored(state.Name, stored.NotAfter, state.NextAttemptAt);
                }
                else
                {
                    if (stored is not null)
                    {
                        // The names changed: keep serving the old one for the names it has until the new one is issued.
                        state.Served = stored;
                        source.Serve(state.Name, stored);
                    }

                    state.NextAttemptAt = now;
                }
            }
        }
    }

    private async Task RenewAsync(AcmeCertificateState state, CancellationToken cancellationToken)
    {
        if (AdoptStored(state))
        {
            return;
        }

        var names = state.Options.Names;
        lock (_lock)
        {
            state.Ordering = true;
            state.LastAttemptAt = timeProvider.GetUtcNow();
        }

        LogOrdering(state.Name, string.Join(", ", names), state.Options.Challenge);
        try
        {
            var responder = responders.First(r => r.Type == ChallengeType(state.Options.Challenge));
            using AsymmetricAlgorithm key = state.Options.KeyType == AcmeKeyType.Rsa2048 ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var client = await clients.GetAsync(cancellationToken);
            var chain = await client.OrderAsync(names, key, responder, cancellationToken);
            // The order's last answer continues on a socket's event thread; what follows builds a certificate context
            // and syncs files to disk: on the thread pool.
            await Task.Yield();
            var keyPem = key.ExportPkcs8PrivateKeyPem();
            var issued = AcmeIssuedCertificate.FromPem(chain, keyPem);
            // Served by the names it carries: it must carry exactly the ones ordered, and be in date.
            if (!issued.Covers(names) || issued.NotBefore > timeProvider.GetUtcNow() + TimeSpan.FromHours(1) || issued.NotAfter <= timeProvider.GetUtcNow())
            {
                throw new AcmeProblemException($"the CA issued a certificate for {string.Join(", ", issued.DnsNames)}, valid {issued.NotBefore:u} to {issued.NotAfter:u}: not the names ordered ({string.Join(", ", names)}) or not in date; not served");
            }

            storage.Save(state.Name, chain, keyPem);
            source.Serve(state.Name, issued);
            Interlocked.Increment(ref _successes);
            lock (_lock)
            {
                state.Served = issued;
                state.Ordering = false;
                state.ConsecutiveFailures = 0;
                state.LastError = null;
                state.LastSuccessAt = timeProvider.GetUtcNow();
                // Never due again at once (a clock far ahead of the CA's, a CA issuing shorter than RenewBefore): no order loop.
                var floor = state.LastSuccessAt.Value + TimeSpan.FromTicks(Math.Min(issued.Lifetime.Ticks / 10, TimeSpan.TicksPerDay));
                state.NextAttemptAt = RenewalTime(issued) is var renewal && renewal > floor ? renewal : floor;
            }

            LogIssued(state.Name, issued.NotAfter, state.NextAttemptAt);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failures);
            var problem = ex as AcmeProblemException;
            lock (_lock)
            {
                state.Ordering = false;
                state.ConsecutiveFailures++;
                state.LastError = ex is HttpRequestException http ? $"the CA cannot be reached: {http.Message}" : ex.Message;
                var backoff = problem?.Permanent == true ? MaxRetryDelay : Common.ExponentialBackoff.Delay(FirstRetryDelay, state.ConsecutiveFailures, MaxRetryDelay);
                // The CA's Retry-After wins over a shorter backoff, but never beyond the longest one (a broken or hostile
                // CA must not push renewal past expiry, nor overflow the clock).
                if (problem?.RetryAfter is { } retryAfter && retryAfter > backoff)
                {
                    backoff = retryAfter < MaxRetryDelay ? retryAfter : MaxRetryDelay;
                }

                state.NextAttemptAt = timeProvider.GetUtcNow() + backoff;
            }

            LogFailed(state.Name, state.LastError, state.NextAttemptAt, state.Served is not null);
        }
    }

    /// <summary>
    /// A replica sharing <c>DataPath/acme</c> may have renewed already: a stored certificate for the same names that
    /// expires later than the served one and is not due is served instead of ordering another.
    /// </summary>
    private bool AdoptStored(AcmeCertificateState state)
    {
        AcmeIssuedCertificate? stored;
        try
        {
            stored = storage.Load(state.Name);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }

        var now = timeProvider.GetUtcNow();
        if (stored is null || !stored.Covers(state.Options.Names) || (state.Served is { } served && stored.NotAfter <= served.NotAfter) || RenewalTime(stored) <= now)
        {
            return false;
        }

        source.Serve(state.Name, stored);
        lock (_lock)
        {
            state.Served = stored;
            state.NextAttemptAt = RenewalTime(stored);
        }

        LogServingStored(state.Name, stored.NotAfter, state.NextAttemptAt);
        return true;
    }

    /// <summary>
    /// <c>RenewBefore</c> before expiry, or when a third of the lifetime is left (also when <c>RenewBefore</c> is not
    /// shorter than the lifetime: it would order again at once, forever), minus up to 2 % of the lifetime (at most
    /// an hour) of jitter.
    /// </summary>
    internal TimeSpan RenewBefore(AcmeIssuedCertificate issued) =>
        options.Value.RenewBefore is { } before && before < issued.Lifetime ? before : issued.Lifetime / 3;

    private DateTimeOffset RenewalTime(AcmeIssuedCertificate issued)
    {
        var jitter = TimeSpan.FromTicks((long)(Math.Min(issued.Lifetime.Ticks * 0.02, TimeSpan.FromHours(1).Ticks) * Random.Shared.NextDouble()));
        return issued.NotAfter - RenewBefore(issued) - jitter;
    }

    internal static string ChallengeType(AcmeChallengeType challenge) => challenge switch
    {
        AcmeChallengeType.Http01 => "http-01",
        AcmeChallengeType.TlsAlpn01 => "tls-alpn-01",
        _ => "dns-01",
    };

    [LoggerMessage(EventId = Common.EventIds.AcmeServingStored, EventName = "AcmeServingStored", Level = LogLevel.Information, Message = "ACME certificate {Certificate}: serving the stored certificate (expires {NotAfter:u}); renewal due {NextRenewal:u}.")]
    private partial void LogServingStored(string certificate, DateTimeOffset notAfter, DateTimeOffset nextRenewal);

    [LoggerMessage(EventId = Common.EventIds.AcmeStoredUnusable, EventName = "AcmeStoredUnusable", Level = LogLevel.Warning, Message = "ACME certificate {Certificate}: the stored files cannot be used ({Reason}); ordering a new one.")]
    private partial void LogStoredUnusable(string certificate, string reason);

    [LoggerMessage(EventId = Common.EventIds.AcmeOrdering, EventName = "AcmeOrdering", Level = LogLevel.Information, Message = "ACME certificate {Certificate}: ordering for {Names} with {Challenge}.")]
    private partial void LogOrdering(string certificate, string names, AcmeChallengeType challenge);

    [LoggerMessage(EventId = Common.EventIds.AcmeIssued, EventName = "AcmeIssued", Level = LogLevel.Information, Message = "ACME certificate {Certificate}: issued, expires {NotAfter:u}, served from now on; renewal due {NextRenewal:u}.")]
    private partial void LogIssued(string certificate, DateTimeOffset notAfter, DateTimeOffset nextRenewal);

    [LoggerMessage(EventId = Common.EventIds.AcmeOrderFailed, EventName = "AcmeOrderFailed", Level = LogLevel.Error, Message = "ACME certificate {Certificate}: the order failed: {Error}. Next attempt {NextAttempt:u} (still serving the previous certificate: {Serving}).")]
    private partial void LogFailed(string certificate, string error, DateTimeOffset nextAttempt, bool serving);
}
