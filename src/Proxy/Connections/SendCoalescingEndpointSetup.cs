using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using EdgeProxy.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Connections;

/// <summary>
/// Under inline scheduling, each public HTTPS connection's transport output is a <see cref="SendCoalescingPipeWriter"/>,
/// so HTTP/2 connections send coalesced from the thread pool while handshakes and HTTP/1.1 stay on the event thread.
/// </summary>
internal sealed class SendCoalescingEndpointSetup(IServiceProvider services) : IPublicEndpointSetup
{
    public void Configure(EndpointConfiguration endpoint)
    {
        if (!endpoint.IsHttps || !services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling)
        {
            return;
        }

        endpoint.ListenOptions.Use(next => async connection =>
        {
            var original = connection.Transport;
            var features = connection.Features;
            var output = new SendCoalescingPipeWriter(original.Output, () => IsHttp2(features), features.Get<IMemoryPoolFeature>()?.MemoryPool ?? MemoryPool<byte>.Shared);
            connection.Transport = new DuplexPipe(original.Input, output);
            try
            {
                await next(connection);
            }
            finally
            {
                connection.Transport = original;
                output.Complete();
                await output.DrainAsync();
            }
        });
    }

    /// <summary>Null until the TLS handshake has ended (Kestrel's HTTPS layer sets its features before it starts).</summary>
    private static bool? IsHttp2(IFeatureCollection features) =>
        features.Get<ISslStreamFeature>()?.SslStream is { IsAuthenticated: true } stream
            ? stream.NegotiatedApplicationProtocol == SslApplicationProtocol.Http2
            : null;

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
