using System.Text;
using EdgeProxy.Configuration;

namespace EdgeProxy.Tests.Proxy.Configuration;

public sealed class ConfigFileJsonTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{ // comments as .NET allows\n \"a\": [1, 2,], }")]
    public void Accepts_what_the_dotnet_json_provider_accepts(string json) =>
        Assert.Null(ConfigFileJson.Validate("f.json", Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("", "invalid JSON")]
    [InlineData("{ \"a\": ", "invalid JSON")]
    [InlineData("[1]", "must be an object")]
    public void Rejects_with_the_file_name(string json, string expected)
    {
        var error = ConfigFileJson.Validate("f.json", Encoding.UTF8.GetBytes(json));
        Assert.NotNull(error);
        Assert.StartsWith("f.json: ", error);
        Assert.Contains(expected, error);
    }
}
