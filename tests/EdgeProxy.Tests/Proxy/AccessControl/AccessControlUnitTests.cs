using System.Net;
using System.Text;
using EdgeProxy.AccessControl;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>The pieces on their own: bounded per-client tables, remembered logins, the user name, validation messages.</summary>
public sealed class AccessControlUnitTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private static readonly ClientKey Keys = new(new AccessControlOptions());

    private static UInt128 Address(int i) => Keys.From(new IPAddress([198, 18, (byte)(i >> 8), (byte)i]));

    private static UInt128 Address(string ip) => Keys.From(IPAddress.Parse(ip));

    [Fact]
    public void The_rate_limiter_tracks_a_bounded_number_of_client_ips()
    {
        var limiter = new ClientIpRateLimiter(1, 1, _clock, maxTrackedClients: 50);
        for (var i = 0; i < 1000; i++)
        {
            using var lease = limiter.AttemptAcquire(Address(i));
            Assert.True(lease.IsAcquired);
        }

        Assert.InRange(limiter.TrackedClients, 1, 50);
    }

    [Fact]
    public void The_rate_limiter_drops_idle_clients_first_and_keeps_limiting_busy_ones()
    {
        var limiter = new ClientIpRateLimiter(1, 1, _clock, maxTrackedClients: 10);
        var busy = Address("203.0.113.1");
        Assert.True(limiter.AttemptAcquire(busy).IsAcquired);
        for (var i = 0; i < 9; i++)
        {
            Assert.True(limiter.AttemptAcquire(Address(i)).IsAcquired);
        }

        // Half a second later the others' buckets are not full either; the busy one is still empty.
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.False(limiter.AttemptAcquire(busy).IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(1));
        // Everyone is idle (full) now: a newcomer sweeps them all out.
        Assert.True(limiter.AttemptAcquire(Address(100)).IsAcquired);
        Assert.True(limiter.TrackedClients <= 2, $"{limiter.TrackedClients} tracked");
    }

    [Fact]
    public void A_sweep_that_finds_few_idle_clients_still_makes_room_for_many_new_ones()
    {
        // A flood of addresses, each spending its tokens, and one idle client: dropping only the idle one would leave
        // the table full, and every next newcomer would scan it again.
        var limiter = new ClientIpRateLimiter(1, 1, _clock, maxTrackedClients: 100);
        Assert.True(limiter.AttemptAcquire(Address("203.0.113.1")).IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 99; i++)
        {
            Assert.True(limiter.AttemptAcquire(Address(i)).IsAcquired);
            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(100, limiter.TrackedClients);
        Assert.True(limiter.AttemptAcquire(Address("203.0.113.2")).IsAcquired);
        Assert.InRange(limiter.TrackedClients, 40, 60);
        Assert.False(limiter.AttemptAcquire(Address(98)).IsAcquired); // the most recent busy clients are still limited
    }

    [Fact]
    public async Task A_clients_password_checks_take_turns_and_a_long_queue_is_refused()
    {
        var guard = new BruteForceGuard(_clock);
        var client = Address("203.0.113.7");
        var first = await guard.TakeTurnAsync(client);
        Assert.NotNull(first);

        var waiting = Enumerable.Range(1, BruteForceGuard.MaxWaitingPerClient - 1).Select(_ => guard.TakeTurnAsync(client).AsTask()).ToList();
        Assert.All(waiting, turn => Assert.False(turn.IsCompleted));
        Assert.Null(await guard.TakeTurnAsync(client)); // one more than may wait
        Assert.NotNull(await guard.TakeTurnAsync(Address("203.0.113.8"))); // another client has its own turn

        first!.Dispose();
        var next = await waiting[0];
        Assert.NotNull(next);
        Assert.False(waiting[1].IsCompleted);
        next!.Dispose();
        foreach (var turn in waiting.Skip(1))
        {
            (await turn)!.Dispose();
        }
    }

    [Fact]
    public void A_brute_force_sweep_that_finds_few_expired_windows_still_makes_room_for_many_new_clients()
    {
        var guard = new BruteForceGuard(_clock, maxTrackedClients: 100);
        guard.RecordFailure(Address("203.0.113.1"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 99; i++)
        {
            guard.RecordFailure(Address(i));
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(100, guard.TrackedClients);
        guard.RecordFailure(Address("203.0.113.2"));
        Assert.InRange(guard.TrackedClients, 40, 60);
    }

    [Fact]
    public void The_brute_force_table_is_bounded_and_other_clients_are_not_locked()
    {
        var guard = new BruteForceGuard(_clock, maxTrackedClients: 20);
        for (var i = 0; i < 500; i++)
        {
            guard.RecordFailure(Address(i));
        }

        Assert.InRange(guard.TrackedClients, 1, 20);
        var attacker = Address("203.0.113.9");
        for (var i = 0; i < 4; i++)
        {
            guard.RecordFailure(attacker);
        }

        Assert.NotNull(guard.LockedFor(attacker, 3));
        Assert.Null(guard.LockedFor(Address("203.0.113.10"), 3));
        // Exactly the limit is still allowed; over it is not.
        Assert.Null(guard.LockedFor(attacker, 4));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(guard.LockedFor(attacker, 3));
    }

    [Fact]
    public async Task A_right_password_is_remembered_for_a_few_minutes_and_sets_the_user_name()
    {
        using var directory = new Infrastructure.TempDirectory();
        var path = directory.File("users.htpasswd");
        await File.WriteAllTextAsync(path, AccessControlScenario.ShaLine("alice", "secret") + "\n");
        var source = new HtpasswdSource(path, _clock);
        Assert.Empty(source.Refresh()!);
        var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:secret"));

        var first = await source.AuthenticateAsync(header);
        var second = await source.AuthenticateAsync(header);
        Assert.Equal(BasicAuthOutcome.Ok, first.Outcome);
        Assert.Equal("alice", first.Principal!.Identity!.Name);
        // The second answer is the remembered one (same principal), not a new verification.
        Assert.Same(first.Principal, second.Principal);
        _clock.Advance(HtpasswdSource.RememberFor);
        Assert.NotSame(first.Principal, (await source.AuthenticateAsync(header)).Principal);

        Assert.Equal(BasicAuthOutcome.Wrong, (await source.AuthenticateAsync("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:Secret")))).Outcome);
        Assert.Equal(BasicAuthOutcome.Missing, (await source.AuthenticateAsync("Bearer x")).Outcome);
        Assert.Equal(BasicAuthOutcome.Wrong, (await source.AuthenticateAsync("Basic !!!")).Outcome);
    }

    [Fact]
    public async Task The_handler_sets_HttpContext_User_for_the_access_log()
    {
        using var directory = new Infrastructure.TempDirectory();
        var path = directory.File("users.htpasswd");
        await File.WriteAllTextAsync(path, AccessControlScenario.ShaLine("alice", "secret") + "\n");
        var source = new HtpasswdSource(path, _clock);
        source.Refresh();
        var options = new AccessPolicyOptions { BasicAuth = new BasicAuthOptions { HtpasswdFile = path } };
        var policy = new AccessPolicy("p", options, source, new BruteForceGuard(_clock));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.1");
        context.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:secret"));

        Assert.Null(await AccessPolicyHandler.JudgeAsync(context, policy, Keys));
        Assert.Equal("alice", context.User.Identity!.Name);
    }

    [Fact]
    public void Validation_messages_name_the_key()
    {
        var policy = new AccessPolicyOptionsValidator().Validate("munin", new AccessPolicyOptions
        {
            AllowFrom = ["203.0.113.0/24", "203.0.113.1"],
            BasicAuth = new BasicAuthOptions { Realm = "a\"b", MaxFailuresPerMinute = -1 },
        });
        Assert.Contains("EdgeProxy:AccessPolicies:munin:AllowFrom:1: '203.0.113.1' has no prefix length", policy.Failures!.First());
        Assert.Contains(policy.Failures!, f => f.StartsWith("EdgeProxy:AccessPolicies:munin:BasicAuth:HtpasswdFile is required", StringComparison.Ordinal));
        Assert.Contains(policy.Failures!, f => f.StartsWith("EdgeProxy:AccessPolicies:munin:BasicAuth:Realm", StringComparison.Ordinal));
        Assert.Contains(policy.Failures!, f => f.StartsWith("EdgeProxy:AccessPolicies:munin:BasicAuth:MaxFailuresPerMinute", StringComparison.Ordinal));
        Assert.True(new AccessPolicyOptionsValidator().Validate("open", new AccessPolicyOptions()).Failed);

        var limit = new RateLimitOptionsValidator().Validate("api", new RateLimitOptions { PermitsPerSecond = -1, Burst = 0 });
        Assert.Equal(["EdgeProxy:RateLimits:api:PermitsPerSecond must be a positive number", "EdgeProxy:RateLimits:api:Burst must be at least 1"], limit.Failures);
    }
}
