using EdgeProxy.DataProtection;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;

namespace EdgeProxy.Tests.Proxy.DataProtection;

/// <summary><c>EdgeProxy:DataProtection</c> rules: a read-only ring must hold a key, since the proxy may not make one.</summary>
public sealed class KeyRingOptionsValidatorTests : IDisposable
{
    private readonly TempDirectory _configFolder = new();

    public void Dispose() => _configFolder.Dispose();

    private string? Validate(string? keysPath, bool generateKeys)
    {
        var validator = new KeyRingOptionsValidator(new HostingEnvironment { ContentRootPath = _configFolder.Path });
        var result = validator.Validate(null, new KeyRingOptions { KeysPath = keysPath, GenerateKeys = generateKeys });
        return result.Failed ? result.FailureMessage : null;
    }

    [Fact]
    public void Without_a_keys_path_the_defaults_stay_valid() => Assert.Null(Validate(null, generateKeys: true));

    [Fact]
    public void A_writable_ring_may_start_empty_or_missing() => Assert.Null(Validate("keys", generateKeys: true));

    [Fact]
    public void A_blank_keys_path_is_refused_naming_the_key() =>
        Assert.Contains("EdgeProxy:DataProtection:KeysPath", Validate(" ", generateKeys: true));

    [Fact]
    public void A_read_only_ring_without_a_path_is_refused() =>
        Assert.Contains("EdgeProxy:DataProtection:GenerateKeys", Validate(null, generateKeys: false));

    [Fact]
    public void A_read_only_ring_without_a_key_is_refused_and_one_with_a_key_relative_to_the_config_file_passes()
    {
        Directory.CreateDirectory(_configFolder.File("keys"));
        Assert.Contains("holds no key", Validate("keys", generateKeys: false));

        File.WriteAllText(_configFolder.File("keys/key-0f8c.xml"), "<key/>");
        Assert.Null(Validate("keys", generateKeys: false));
    }
}
