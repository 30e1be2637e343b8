using EdgeProxy.DataProtection;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Proxy.DataProtection;

/// <summary>
/// <c>EdgeProxy:DataProtection</c> rules: a read-only ring must hold a key that has not expired, since the proxy may
/// not make one and data protection will not use an expired one.
/// </summary>
public sealed class KeyRingOptionsValidatorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _configFolder = new();

    public void Dispose() => _configFolder.Dispose();

    private string? Validate(string? keysPath, bool generateKeys, TimeSpan? keyLifetime = null)
    {
        var validator = new KeyRingOptionsValidator(new HostingEnvironment { ContentRootPath = _configFolder.Path }, new FakeTimeProvider(Now));
        var result = validator.Validate(null, new KeyRingOptions { KeysPath = keysPath, GenerateKeys = generateKeys, KeyLifetime = keyLifetime });
        return result.Failed ? result.FailureMessage : null;
    }

    /// <summary>The elements of a key file that the rule reads, as <c>FileSystemXmlRepository</c> writes them.</summary>
    private void WriteKey(string name, DateTimeOffset expiration) =>
        File.WriteAllText(_configFolder.File($"keys/{name}"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <key id="{Guid.NewGuid()}" version="1">
              <creationDate>{expiration.AddDays(-90):O}</creationDate>
              <activationDate>{expiration.AddDays(-90):O}</activationDate>
              <expirationDate>{expiration:O}</expirationDate>
            </key>
            """);

    [Fact]
    public void Without_a_keys_path_the_defaults_stay_valid() => Assert.Null(Validate(null, generateKeys: true));

    [Fact]
    public void A_writable_ring_may_start_empty_or_missing() => Assert.Null(Validate("keys", generateKeys: true));

    [Fact]
    public void A_ring_the_proxy_must_write_in_a_directory_it_cannot_write_is_refused()
    {
        // Linux's /proc takes no new file, not even from root (tests may run as root, for whom permissions do not apply).
        Assert.Contains("EdgeProxy:DataProtection:KeysPath '/proc' is not writable", Validate("/proc", generateKeys: true));
    }

    [Fact]
    public void A_blank_keys_path_is_refused_naming_the_key() =>
        Assert.Contains("EdgeProxy:DataProtection:KeysPath", Validate(" ", generateKeys: true));

    [Fact]
    public void A_key_lifetime_under_a_week_is_refused() =>
        Assert.Contains("EdgeProxy:DataProtection:KeyLifetime", Validate(null, generateKeys: true, TimeSpan.FromDays(1)));

    [Fact]
    public void A_read_only_ring_without_a_path_is_refused() =>
        Assert.Contains("EdgeProxy:DataProtection:GenerateKeys", Validate(null, generateKeys: false));

    [Fact]
    public void A_read_only_ring_needs_a_key_that_has_not_expired_relative_to_the_config_file()
    {
        Directory.CreateDirectory(_configFolder.File("keys"));
        Assert.Contains("holds no key", Validate("keys", generateKeys: false));

        File.WriteAllText(_configFolder.File("keys/notes.xml"), "<notes/>");
        WriteKey("key-old.xml", Now.AddDays(-1));
        Assert.Contains("every key has expired (the newest on 2026-11-28", Validate("keys", generateKeys: false));

        WriteKey("key-new.xml", Now.AddDays(30));
        Assert.Null(Validate("keys", generateKeys: false));
    }
}
