using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Hosting;

/// <summary>
/// What <c>--check</c> (and a start on the same file) says about a wrong file: the file and the key in every message,
/// the allowed values of an enum, JSON positions counted from 1, the known ids for an unknown one, no follow-on errors,
/// and nothing "applied".
/// </summary>
[Trait("Process", "Separate")]
public sealed class CheckMessageTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static JsonObject ValidConfig()
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["ReverseProxy"]!["Clusters"]!["other"] = new JsonObject { ["Destinations"] = TestConfig.Destinations("http://127.0.0.1:9/") };
        return config;
    }

    private string Write(string content)
    {
        var path = _directory.File("appsettings.json");
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<(string Path, string Errors)> CheckAsync(JsonObject config, params string[] args)
    {
        var path = Write(config.ToJsonString());
        var result = await ProxyProcess.RunAsync(["--check", "--config", path, .. args]);
        Assert.True(result.ExitCode == 1, result.Output);
        Assert.DoesNotContain("   at ", result.StandardError);
        return (path, result.StandardError);
    }

    /// <summary>The "  - " lines of an error report.</summary>
    private static List<string> Problems(string stderr) =>
        [.. stderr.Split('\n').Where(l => l.StartsWith("  - ", StringComparison.Ordinal)).Select(l => l[4..].TrimEnd('\r'))];

    [Fact]
    public async Task A_misspelt_enum_value_names_file_key_and_the_allowed_values_in_check_and_at_start()
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["Tls"] = new JsonObject { ["Profile"] = "Moden" };

        var (path, errors) = await CheckAsync(config);

        Assert.Equal([$"{path}: EdgeProxy:Tls:Profile: 'Moden' is not one of Intermediate, Modern, Custom"], Problems(errors));

        // A start reads the TLS policy before anything else: the same message, nothing listened.
        var start = await ProxyProcess.RunAsync(["--config", path]);
        Assert.Equal(1, start.ExitCode);
        Assert.Equal([$"{path}: EdgeProxy:Tls:Profile: 'Moden' is not one of Intermediate, Modern, Custom"], Problems(start.StandardError));
    }

    [Fact]
    public async Task A_boolean_that_is_not_true_or_false_says_so()
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["HttpsRedirect"] = "yes";

        var (path, errors) = await CheckAsync(config);

        Assert.Equal([$"{path}: EdgeProxy:HttpsRedirect: 'yes' is not one of true, false"], Problems(errors));
    }

    [Fact]
    public async Task Invalid_json_reports_line_and_column_counted_from_1()
    {
        var path = Write("{\n  \"EdgeProxy\": {\n    \"Admin\": {,\n  }\n}");

        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.Equal(1, result.ExitCode);
        // Line 3, the ',' right after "    \"Admin\": {" (14 characters).
        Assert.Equal([$"{path}: invalid JSON at line 3, column 15: ',' is an invalid start of a property name. Expected a '\"'."], Problems(result.StandardError));
    }

    [Fact]
    public async Task An_unknown_cluster_lists_the_known_ones()
    {
        var config = ValidConfig();
        config["ReverseProxy"]!["Routes"]!["all"]!["ClusterId"] = "mian";

        var (path, errors) = await CheckAsync(config);

        Assert.Equal([$"{path}: ReverseProxy:Routes:all:ClusterId: unknown cluster 'mian' (known: main, other); did you mean 'main'?"], Problems(errors));
    }

    [Fact]
    public async Task A_bad_cidr_in_a_policy_is_the_only_error_not_also_one_about_the_route_naming_it()
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["AccessPolicies"] = new JsonObject { ["office"] = new JsonObject { ["AllowFrom"] = new JsonArray("10.0.0.0/33") } };
        config["ReverseProxy"]!["Routes"]!["all"]!["AuthorizationPolicy"] = "office";

        var (path, errors) = await CheckAsync(config);

        var problem = Assert.Single(Problems(errors));
        Assert.StartsWith($"{path}: EdgeProxy:AccessPolicies:office:AllowFrom:0: '10.0.0.0/33'", problem);
    }

    [Fact]
    public async Task A_route_naming_an_undeclared_policy_lists_the_known_ones()
    {
        var config = ValidConfig();
        config["EdgeProxy"]!["AccessPolicies"] = new JsonObject { ["office"] = new JsonObject { ["AllowFrom"] = new JsonArray("10.0.0.0/8") } };
        config["ReverseProxy"]!["Routes"]!["all"]!["AuthorizationPolicy"] = "ofice";

        var (path, errors) = await CheckAsync(config);

        Assert.StartsWith($"{path}: ReverseProxy:Routes:all:AuthorizationPolicy: no access policy 'ofice' in EdgeProxy:AccessPolicies (known: office)", Assert.Single(Problems(errors)));
    }

    [Fact]
    public async Task A_valid_check_applies_nothing_and_says_nothing_was_applied()
    {
        var config = ValidConfig();
        config["Logging"]!["LogLevel"]!["Default"] = "Information";
        var path = Write(config.ToJsonString());

        var result = await ProxyProcess.RunAsync(["--check", "--config", path]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("configuration is valid", result.StandardOutput);
        Assert.DoesNotContain("Applied", result.Output);
    }
}
