using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeProxy.AccessControl;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>
/// A user name that is not in the htpasswd file costs what a wrong password costs: its password is verified (through the
/// same bounded verifier) against a hash made like the file's costliest entry, so names cannot be told apart by timing.
/// Timing itself is not asserted (benchmarks measure speed); what makes it equal is.
/// </summary>
public sealed class UnknownUserTests
{
    private static string Bcrypt(int cost) => BCrypt.Net.BCrypt.HashPassword("x", cost);

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    public static TheoryData<string[], int> Files => new()
    {
        // Within a format the highest cost wins, whatever the line order.
        { [ShaLine("a", "a"), "b:" + Bcrypt(5), "c:" + PasswordHash.Apr1("c"u8, "$apr1$saltsalt$"), "d:" + Bcrypt(4)], 1 },
        // Across formats the costlier to verify: 10 000 SHA-512 rounds outweigh bcrypt at cost 4.
        { ["a:" + Bcrypt(4), "b:" + PasswordHash.ShaCrypt("b"u8, "$6$rounds=10000$saltsalt$", HashAlgorithmName.SHA512), ShaLine("c", "c")], 1 },
        { [ShaLine("a", "a")], 0 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task The_unknown_user_hash_has_the_format_and_cost_of_the_costliest_entry(string[] lines, int costliest)
    {
        using var directory = new TempDirectory();
        var path = directory.File("users.htpasswd");
        await File.WriteAllLinesAsync(path, lines);
        var source = new HtpasswdSource(path, new FakeTimeProvider());
        Assert.Empty(source.Refresh()!);

        var strongest = lines[costliest][2..];
        var hash = source.UnknownUserHash!;
        Assert.Equal(PasswordHash.Format(strongest), PasswordHash.Format(hash));
        Assert.Equal(PasswordHash.Cost(strongest), PasswordHash.Cost(hash));
        Assert.DoesNotContain(hash, lines.Select(l => l[2..]));
    }

    [Fact]
    public async Task An_unknown_user_goes_through_the_verifier_and_is_refused_even_with_someone_elses_password()
    {
        using var directory = new TempDirectory();
        var path = directory.File("users.htpasswd");
        await File.WriteAllTextAsync(path, "alice:" + Bcrypt(4) + "\n");
        var source = new HtpasswdSource(path, new FakeTimeProvider());
        source.Refresh();

        Assert.Equal(BasicAuthOutcome.Wrong, (await source.AuthenticateAsync(Basic("mallory", "x"))).Outcome);
        Assert.Equal(1, source.Verifications);
        Assert.Equal(BasicAuthOutcome.Wrong, (await source.AuthenticateAsync(Basic("alice", "wrong"))).Outcome);
        Assert.Equal(2, source.Verifications);
        // alice's right password does not open the door for a name that is not in the file.
        Assert.Equal(BasicAuthOutcome.Wrong, (await source.AuthenticateAsync(Basic("mallory", "x"))).Outcome);
        Assert.Equal(BasicAuthOutcome.Ok, (await source.AuthenticateAsync(Basic("alice", "x"))).Outcome);
        Assert.Equal(4, source.Verifications);
    }

    [Fact]
    public async Task Over_a_real_socket_an_unknown_user_is_verified_like_a_wrong_password()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await StartWithHtpasswdAsync(Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd") }), ShaLine("alice", "secret"));
        using var client = proxy.HttpFrom(Trusted);
        var users = proxy.Services.GetRequiredService<AccessControlState>().Current.Policies["p"].Users!;

        Assert.Equal(401, await StatusAsync(client, "/admin/x", "203.0.113.1", ("mallory", "secret")));
        Assert.Equal(1, users.Verifications);
        Assert.Equal(401, await StatusAsync(client, "/admin/x", "203.0.113.1", ("alice", "wrong")));
        Assert.Equal(2, users.Verifications);
    }
}
