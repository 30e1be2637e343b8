using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>htpasswd files as <c>htpasswd</c> (apache2-utils) and <c>openssl passwd</c> make them, through the proxy.</summary>
public sealed class HtpasswdFormatTests
{
    private static string Htpasswd(string option, string user, string password) => Run("htpasswd", "-nb" + option, user, password);

    private static string OpenSsl(string option, string user, string password) => $"{user}:{Run("openssl", "passwd", option, password)}";

    [RequiresCommandFact("htpasswd")]
    public async Task Every_format_nginx_and_Apache_accept_lets_the_right_password_in_and_refuses_a_wrong_one()
    {
        var bcrypt = Htpasswd("B", "bcrypt-2y", "pw-2y");
        Assert.Contains(":$2y$", bcrypt);
        // $2a$ and $2b$ differ from $2y$ only in name for these passwords (the old bugs were about non-ASCII and length).
        var bcrypt2b = Htpasswd("B", "bcrypt-2b", "pw-2b").Replace("$2y$", "$2b$");
        var bcrypt2a = Htpasswd("B", "bcrypt-2a", "pw-2a").Replace("$2y$", "$2a$");
        var users = new Dictionary<string, string>
        {
            ["bcrypt-2y"] = bcrypt,
            ["bcrypt-2b"] = bcrypt2b,
            ["bcrypt-2a"] = bcrypt2a,
            ["apr1-htpasswd"] = Htpasswd("m", "apr1-htpasswd", "pw-m"),
            ["sha1"] = Htpasswd("s", "sha1", "pw-s"),
            ["apr1-openssl"] = OpenSsl("-apr1", "apr1-openssl", "pw-apr1"),
            ["sha256"] = OpenSsl("-5", "sha256", "pw-5"),
            ["sha512"] = OpenSsl("-6", "sha512", "pw-6"),
            // A password longer than the hash and non-ASCII exercises the repeat loops and UTF-8.
            ["sha512-long"] = OpenSsl("-6", "sha512-long", "päss-wörd-0123456789-0123456789-0123456789-0123456789-0123456789-xyz"),
            ["apr1-long"] = OpenSsl("-apr1", "apr1-long", "päss-wörd-0123456789-0123456789-xyz"),
        };
        var passwords = new Dictionary<string, string>
        {
            ["bcrypt-2y"] = "pw-2y", ["bcrypt-2b"] = "pw-2b", ["bcrypt-2a"] = "pw-2a", ["apr1-htpasswd"] = "pw-m", ["sha1"] = "pw-s",
            ["apr1-openssl"] = "pw-apr1", ["sha256"] = "pw-5", ["sha512"] = "pw-6",
            ["sha512-long"] = "päss-wörd-0123456789-0123456789-0123456789-0123456789-0123456789-xyz", ["apr1-long"] = "päss-wörd-0123456789-0123456789-xyz",
        };

        await using var backend = await TestBackend.StartAsync("b");
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("users.htpasswd"), string.Join('\n', users.Values) + "\n");
        var configPath = directory.File("appsettings.json");
        // Enough failures allowed for every wrong password below.
        await File.WriteAllTextAsync(configPath, Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd", maxFailures: 100) }).ToJsonString());
        await using var proxy = await ProxyUnderTest.StartAsync(directory, configPath);
        using var client = proxy.HttpFrom(Trusted);

        foreach (var (user, password) in passwords)
        {
            Assert.True(200 == await StatusAsync(client, "/admin/x", "203.0.113.5", (user, password)), $"{user}: right password refused ({users[user]})");
            // Twice: the second answer comes from the remembered login.
            Assert.Equal(200, await StatusAsync(client, "/admin/x", "203.0.113.5", (user, password)));
            Assert.True(401 == await StatusAsync(client, "/admin/x", "203.0.113.5", (user, password + "x")), $"{user}: wrong password accepted");
        }
    }

    [Fact]
    public async Task A_line_in_another_format_is_refused_at_start_with_file_line_and_user()
    {
        await using var backend = await TestBackend.StartAsync("b");
        using var directory = new TempDirectory();
        var htpasswd = directory.File("users.htpasswd");
        // Line 2: plain text; line 3: DES crypt.
        await File.WriteAllTextAsync(htpasswd, ShaLine("alice", "secret") + "\nbob:plaintext\ncarol:rqXexS6ZhobKA\n");
        var configPath = directory.File("appsettings.json");
        await File.WriteAllTextAsync(configPath, Config(backend, new JsonObject { ["p"] = Policy(htpasswd: "users.htpasswd") }).ToJsonString());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(directory, configPath));

        Assert.Contains($"EdgeProxy:AccessPolicies:p:BasicAuth:HtpasswdFile: {htpasswd}:2: user 'bob': unsupported password format", error.Message);
        Assert.Contains($"{htpasswd}:3: user 'carol': unsupported password format", error.Message);
        Assert.Contains(configPath, error.Message);
    }
}
