using System.Text.Json.Nodes;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Admin;

/// <summary>The <c>admin</c> section of <c>/status</c>: where the admin listener is and who may use it.</summary>
internal sealed class AdminStatusSection(IOptions<AdminOptions> options) : IStatusSection
{
    public string Name => "admin";

    public JsonObject GetStatus() => new()
    {
        ["url"] = options.Value.Url,
        ["loopbackOnly"] = options.Value.IsLoopbackOnly,
        ["allowFrom"] = StatusJson.Strings(options.Value.EffectiveAllowFrom),
        // Whether writes need EdgeProxy:Admin:Token (never the token itself); false: loopback peers only.
        ["tokenRequired"] = !string.IsNullOrEmpty(options.Value.Token),
        ["warning"] = options.Value.IsLoopbackOnly ? null : AdminExposureWarning.Text(options.Value.Url),
    };
}
