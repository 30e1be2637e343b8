using Yarp.ReverseProxy.Forwarder;

namespace LeanUpstream;

/// <summary>
/// Gives every cluster an invoker over <see cref="LeanHttp11Handler"/>. The cluster's HttpClient settings (TLS,
/// proxies, connection limits, HTTP version) are not applied: the prototype speaks plain HTTP/1.1 only.
/// </summary>
internal sealed class LeanForwarderHttpClientFactory : IForwarderHttpClientFactory
{
    public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context)
    {
        // As YARP's own factory does: a configuration reload that leaves the client settings alone keeps the client,
        // and so its pooled connections.
        if (context.OldClient is not null && context.NewConfig == context.OldConfig)
        {
            return context.OldClient;
        }

        return new HttpMessageInvoker(new LeanHttp11Handler(), disposeHandler: true);
    }
}
