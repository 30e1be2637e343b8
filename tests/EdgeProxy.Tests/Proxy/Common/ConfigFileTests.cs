using System.Text;
using EdgeProxy.Common;

namespace EdgeProxy.Tests.Proxy.Common;

public sealed class ConfigFileTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{ // comments as .NET allows\n \"a\": [1, 2,], }")]
    public void Accepts_what_the_dotnet_json_provider_accepts(string json) =>
        Assert.Null(ConfigFile.FromContent("f.json", Encoding.UTF8.GetBytes(json)).JsonError);

    [Theory]
    [InlineData("", "invalid JSON")]
    [InlineData("{ \"a\": ", "invalid JSON")]
    [InlineData("[1]", "must be an object")]
    public void Rejects_with_the_file_name(string json, string expected)
    {
        var error = ConfigFile.FromContent("f.json", Encoding.UTF8.GetBytes(json)).JsonError;
        Assert.NotNull(error);
        Assert.StartsWith("f.json: ", error);
        Assert.Contains(expected, error);
    }
}
