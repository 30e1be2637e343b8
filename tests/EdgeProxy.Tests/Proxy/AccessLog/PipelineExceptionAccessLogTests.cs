using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>The access log records the status the client got, also when a component of the pipeline throws and Kestrel answers.</summary>
public sealed class PipelineExceptionAccessLogTests
{
    /// <summary>An authorization handler that fails the way a misconfigured component does: it throws.</summary>
    private sealed class ThrowingAuthorizationHandler : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context) => throw new InvalidOperationException("component failed");
    }

    [Fact]
    public async Task A_request_whose_pipeline_throws_before_answering_is_logged_as_500()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = TestConfig.SingleCluster(backend.Address);
        var edge = config["EdgeProxy"]!.AsObject();
        edge["AccessLog"] = new JsonObject { ["Console"] = false, ["File"] = "logs/access.log", ["Format"] = "Json" };
        edge["AccessPolicies"] = new JsonObject { ["p"] = new JsonObject { ["DenyFrom"] = new JsonArray("192.0.2.0/24") } };
        config["ReverseProxy"]!["Routes"]!["guarded"] = new JsonObject
        {
            ["ClusterId"] = "main",
            ["AuthorizationPolicy"] = "p",
            ["Match"] = new JsonObject { ["Path"] = "/guarded/{**rest}" },
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<IAuthorizationHandler, ThrowingAuthorizationHandler>());

        using var response = await proxy.Http.GetAsync("/guarded/x");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);

        var log = Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, "logs", "access.log");
        var record = await AccessLogFile.WaitForRecordAsync(log, r => r.Text("path") == "/guarded/x");
        Assert.Equal(500, record.GetProperty("status").GetInt32());
    }
}
