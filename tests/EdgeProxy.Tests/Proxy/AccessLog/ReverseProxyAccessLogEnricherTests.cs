using System.Net.Sockets;
using EdgeProxy.AccessLog;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>YARP's error kinds in the words the <c>error</c> field uses.</summary>
public sealed class ReverseProxyAccessLogEnricherTests
{
    [Theory]
    [InlineData(ForwarderError.NoAvailableDestinations, "no healthy destination")]
    [InlineData(ForwarderError.RequestTimedOut, "timeout")]
    [InlineData(ForwarderError.RequestCanceled, "client aborted")]
    [InlineData(ForwarderError.ResponseBodyDestination, "backend response body error")]
    [InlineData(ForwarderError.RequestBodyClient, "client request body error")]
    public void Error_kinds_are_words(ForwarderError error, string words) =>
        Assert.Equal(words, ReverseProxyAccessLogEnricher.Describe(error, null));

    [Theory]
    [InlineData(SocketError.ConnectionRefused, "connect refused")]
    [InlineData(SocketError.TimedOut, "connect timeout")]
    [InlineData(SocketError.HostNotFound, "host not found")]
    [InlineData(SocketError.ConnectionReset, "connection reset")]
    public void A_failed_request_says_what_the_socket_said(SocketError socketError, string words) =>
        Assert.Equal(words, ReverseProxyAccessLogEnricher.Describe(ForwarderError.Request,
            new HttpRequestException("failed", new SocketException((int)socketError))));
}
