using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.Ocsp;

/// <summary>Per certificate: seconds until the held staple expires, and the current state as a 1-valued series.</summary>
internal sealed class OcspMetrics(ProxyMetrics metrics, OcspStapler stapler, TimeProvider timeProvider) : IMetricsPublisher
{
    private readonly Gauge _expiry = metrics.Factory.CreateGauge("edgeproxy_ocsp_staple_expiry_seconds",
        "Seconds until the held OCSP response's nextUpdate (absent while none is held).", ["certificate"]);

    private readonly Gauge _state = metrics.Factory.CreateGauge("edgeproxy_ocsp_state",
        "1 for each certificate's OCSP state: stapled-good, no-ocsp-url, responder-unreachable, revoked, unknown, chain-incomplete, pending, disabled.", ["certificate", "state"]);

    public static string StateLabel(OcspStateKind kind) => kind switch
    {
        OcspStateKind.StapledGood => "stapled-good",
        OcspStateKind.NoOcspUrl => "no-ocsp-url",
        OcspStateKind.ResponderUnreachable => "responder-unreachable",
        OcspStateKind.ChainIncomplete => "chain-incomplete",
        OcspStateKind.InvalidResponse => "invalid-response",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public void Publish()
    {
        var now = timeProvider.GetUtcNow();
        foreach (var certificate in stapler.Certificates)
        {
            var state = certificate.State;
            foreach (var kind in Enum.GetValues<OcspStateKind>())
            {
                _state.WithLabels(certificate.Key, StateLabel(kind)).Set(kind == state.Kind ? 1 : 0);
            }

            if (state.NextUpdate is { } next && state.Response is not null)
            {
                _expiry.WithLabels(certificate.Key).Set((next - now).TotalSeconds);
            }
            else
            {
                _expiry.RemoveLabelled(certificate.Key);
            }
        }
    }
}
