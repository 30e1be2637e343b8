using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tracing;

namespace EdgeProxy.Tests.Proxy.Tracing;

public sealed class TracingOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_off()
    {
        var options = new TracingOptions();
        Assert.False(options.Enabled);
        Assert.Equal(0.01, options.SampleRatio);
        Assert.Equal(TracingProtocol.HttpProtobuf, options.Protocol);
        Assert.Equal("edgeproxy", options.ServiceName);
        Assert.True(new TracingOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("http://collector:4318", "HttpProtobuf", "http://collector:4318/v1/traces")]
    [InlineData("https://otlp.example.com/otlp/", "HttpProtobuf", "https://otlp.example.com/otlp/v1/traces")]
    [InlineData("http://collector:4317", "Grpc", "http://collector:4317/")]
    public void Spans_go_to_v1_traces_under_the_base_URL_over_HTTP_and_to_the_URL_itself_over_gRPC(string endpoint, string protocol, string expected)
    {
        var options = new TracingOptions { Enabled = true, OtlpEndpoint = endpoint, Protocol = Enum.Parse<TracingProtocol>(protocol) };
        Assert.True(new TracingOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(expected, options.ExportUri().AbsoluteUri);
    }

    [Theory]
    [InlineData(true, null, 0.5, "EdgeProxy:Tracing:Enabled is true but EdgeProxy:Tracing:OtlpEndpoint is not set")]
    [InlineData(true, " ", 0.5, "EdgeProxy:Tracing:OtlpEndpoint ' ' must be an absolute http:// or https:// URL")]
    [InlineData(true, "collector:4318", 0.5, "EdgeProxy:Tracing:OtlpEndpoint 'collector:4318' must be an absolute http:// or https:// URL")]
    [InlineData(true, "/v1/traces", 0.5, "EdgeProxy:Tracing:OtlpEndpoint '/v1/traces' must be an absolute")]
    [InlineData(false, "ftp://collector", 0.5, "EdgeProxy:Tracing:OtlpEndpoint 'ftp://collector' must be an absolute http:// or https:// URL")]
    [InlineData(true, "https://user:secret@collector:4318", 0.5, "EdgeProxy:Tracing:OtlpEndpoint must not hold user:password@; put the collector's credentials in EdgeProxy:Tracing:Headers")]
    [InlineData(true, "http://collector:4318?x=1", 0.5, "without query")]
    [InlineData(true, "http://collector:4318", 1.5, "EdgeProxy:Tracing:SampleRatio 1.5 must be between 0 and 1")]
    [InlineData(false, null, -0.1, "EdgeProxy:Tracing:SampleRatio -0.1 must be between 0 and 1")]
    [InlineData(true, "http://collector:4318", double.NaN, "EdgeProxy:Tracing:SampleRatio NaN must be between 0 and 1")]
    public void Invalid_settings_are_refused_naming_the_key(bool enabled, string? endpoint, double ratio, string expected)
    {
        var result = new TracingOptionsValidator().Validate(null, new TracingOptions { Enabled = enabled, OtlpEndpoint = endpoint, SampleRatio = ratio });
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X Api Key", "v", "EdgeProxy:Tracing:Headers: 'X Api Key' is not a valid HTTP header name")]
    [InlineData("X-Api-Key", "line\nbreak", "EdgeProxy:Tracing:Headers:X-Api-Key: the value holds a control character")]
    public void Header_names_must_be_tokens_and_values_free_of_control_characters(string name, string value, string expected)
    {
        var options = new TracingOptions { Enabled = true, OtlpEndpoint = "http://collector:4318", Headers = { [name] = value } };
        var result = new TracingOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_service_name_is_refused()
    {
        var result = new TracingOptionsValidator().Validate(null, new TracingOptions { ServiceName = "" });
        Assert.Contains("EdgeProxy:Tracing:ServiceName must not be empty", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Endpoint", "\"http://collector:4318\"", "EdgeProxy:Tracing:Endpoint")]
    [InlineData("Protocol", "\"HttpJson\"", "HttpJson")]
    [InlineData("SampleRatio", "2", "EdgeProxy:Tracing:SampleRatio 2 must be between 0 and 1")]
    public async Task The_proxy_refuses_to_start_on_a_bad_tracing_section(string key, string json, string expected)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:1/");
        config["EdgeProxy"]!["Tracing"] = new JsonObject { [key] = JsonNode.Parse(json) };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(config));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
