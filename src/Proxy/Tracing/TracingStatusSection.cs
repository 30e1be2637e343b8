using System.Text.Json.Nodes;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tracing;

/// <summary>The <c>tracing</c> section of <c>/status</c>: where spans go and what became of them (header values are not shown).</summary>
internal sealed class TracingStatusSection(IOptions<TracingOptions> options, SpanExportCounters counters) : IStatusSection
{
    public string Name => "tracing";

    public JsonObject GetStatus()
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return new JsonObject { ["enabled"] = false };
        }

        return new JsonObject
        {
            ["enabled"] = true,
            ["endpoint"] = settings.ExportUri().GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped),
            ["protocol"] = settings.Protocol.ToString(),
            ["sampleRatio"] = settings.SampleRatio,
            ["exported"] = counters.Exported,
            ["dropped"] = counters.Dropped,
            ["queued"] = counters.Waiting,
            ["lastFailure"] = counters.LastFailure?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
