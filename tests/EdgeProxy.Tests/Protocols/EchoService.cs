using EdgeProxy.Tests.Protocols.Grpc;
using Grpc.Core;

namespace EdgeProxy.Tests.Protocols;

/// <summary>The gRPC backend's service: echoes with the client address it saw, streams counts, waits when asked to.</summary>
public sealed class EchoService : Echo.EchoBase
{
    /// <summary>Calls the server saw end by cancellation (the client's deadline reaching it through the proxy).</summary>
    public static int Cancelled;

    public override async Task<EchoReply> Say(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            try
            {
                await Task.Delay(request.DelayMs, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref Cancelled);
                throw;
            }
        }

        context.ResponseTrailers.Add("echo-trailer", "kept");
        return new EchoReply { Text = request.Text, Peer = context.GetHttpContext().Request.Headers["X-Forwarded-For"].ToString() };
    }

    public override async Task Count(CountRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        for (var i = 1; i <= request.Count; i++)
        {
            await responseStream.WriteAsync(new EchoReply { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }, context.CancellationToken);
            await Task.Delay(request.IntervalMs, context.CancellationToken);
        }

        context.ResponseTrailers.Add("counted", request.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
