using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using EdgeProxy.Common;
using EdgeProxy.Middleware;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace EdgeProxy.Tls;

/// <summary>
/// Sets OpenSSL's <c>SSL_MODE_RELEASE_BUFFERS</c> for the public TLS connections, as nginx and HAProxy do: OpenSSL then
/// frees a connection's record buffers (up to ~17 KB to read and ~17 KB to write) whenever they are empty, instead of
/// keeping them for the connection's life. .NET never sets the mode and has no API for it, so the SSL handle is read
/// from <see cref="SslStream"/>'s private security context and the mode set through libssl on its SSL_CTX (and on the
/// connection, see <see cref="Apply"/>); where that is not possible (another platform, another runtime's internals)
/// nothing is done. The SSL_CTX's mode is a flag that SSL_new reads, so a connection accepted meanwhile on another
/// thread sees it either before or after, both valid; other listeners with the same certificate share the context and
/// get it too. If .NET drops an unused context from its cache, the next first request sets the new one's. Measured with
/// loadtests/IdleConnections (docs/connections-memory.md): an idle HTTP/1.1 TLS 1.3 connection costs ~52 KB without
/// the mode, ~43 KB with it on each connection from its first request, ~34 KB with it on the context.
/// </summary>
internal static unsafe class OpenSslBufferRelease
{
    private const int SslCtrlMode = 33; // SSL_CTRL_MODE, what the SSL_set_mode macro calls
    private const nint SslModeReleaseBuffers = 0x10;

    private static readonly FieldInfo? SecurityContext = typeof(SslStream).GetField("_securityContext", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly nint LibSsl = LoadLibSsl();
    private static readonly delegate* unmanaged<nint, int, nint, nint, nint> SslCtrl = (delegate* unmanaged<nint, int, nint, nint, nint>)Export("SSL_ctrl");
    private static readonly delegate* unmanaged<nint, nint> SslGetSslCtx = (delegate* unmanaged<nint, nint>)Export("SSL_get_SSL_CTX");
    private static readonly delegate* unmanaged<nint, int, nint, nint, nint> SslCtxCtrl = (delegate* unmanaged<nint, int, nint, nint, nint>)Export("SSL_CTX_ctrl");

    /// <summary>Whether this runtime and platform allow it: Linux, OpenSSL's libssl loaded, the runtime's field as expected.</summary>
    public static bool Supported => SslCtrl != null && SslGetSslCtx != null && SslCtxCtrl != null && SecurityContext is not null;

    private static nint LoadLibSsl()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        // The libssl the runtime itself uses (its version, which also makes the runtime load it): another one's
        // SSL_CTX_ctrl would write at its own offsets into the runtime's structures.
        var name = (SafeEvpPKeyHandle.OpenSslVersion >> 28) switch
        {
            3 => "libssl.so.3",
            1 => "libssl.so.1.1",
            _ => null,
        };
        return name is not null && NativeLibrary.TryLoad(name, out var library) ? library : 0;
    }

    private static nint Export(string name) => LibSsl != 0 && NativeLibrary.TryGetExport(LibSsl, name, out var export) ? export : 0;

    /// <summary>
    /// Sets the mode on the SSL_CTX of the stream's OpenSSL handle, if it is one (false if not: nothing done), and, when
    /// <paramref name="connectionToo"/>, on the handle itself.
    /// </summary>
    /// <remarks>
    /// The context is what matters: .NET shares one server SSL_CTX between the connections with the same certificate and
    /// protocols, and each SSL_new copies the context's mode, so the next connections release their buffers from the
    /// handshake on, as nginx's do (nginx sets it on its contexts). The connection's own handle is set only from an
    /// HTTP/1.x request, when nothing reads the connection meanwhile (OpenSSL 3.2 and later also reconfigure the
    /// record layer in SSL_CTRL_MODE, which an HTTP/2 read loop may be using); a connection accepted before its context
    /// had the mode otherwise keeps its read buffer while it idles.
    /// </remarks>
    public static bool Apply(SslStream stream, bool connectionToo) => WithHandle(stream, ssl =>
    {
        var context = SslGetSslCtx(ssl);
        if (context != 0 && (SslCtxCtrl(context, SslCtrlMode, 0, 0) & SslModeReleaseBuffers) == 0)
        {
            SslCtxCtrl(context, SslCtrlMode, SslModeReleaseBuffers, 0);
        }

        if (connectionToo)
        {
            SslCtrl(ssl, SslCtrlMode, SslModeReleaseBuffers, 0);
        }
    });

    /// <summary>Whether the stream's OpenSSL handle, and its SSL_CTX, have the mode (null: not an OpenSSL handle). For tests.</summary>
    internal static (bool Connection, bool Context)? HasMode(SslStream stream)
    {
        (bool, bool)? modes = null;
        WithHandle(stream, ssl => modes = (
            (SslCtrl(ssl, SslCtrlMode, 0, 0) & SslModeReleaseBuffers) != 0,
            (SslCtxCtrl(SslGetSslCtx(ssl), SslCtrlMode, 0, 0) & SslModeReleaseBuffers) != 0));
        return modes;
    }

    private static bool WithHandle(SslStream stream, Action<nint> action)
    {
        if (!Supported || SecurityContext!.GetValue(stream) is not SafeHandle { IsInvalid: false, IsClosed: false } handle
            || handle.GetType().FullName != "Microsoft.Win32.SafeHandles.SafeSslHandle")
        {
            return false;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            action(handle.DangerousGetHandle());
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false; // the connection closed meanwhile
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Sets the mode at a connection's first request: Kestrel's connection middleware added per endpoint runs before
    /// the handshake, when there is no SSL handle yet, so it only marks the connection.
    /// </summary>
    public static IApplicationBuilder UseOpenSslBufferRelease(this IApplicationBuilder app) => !Supported ? app : app.Use((context, next) =>
    {
        // Every request looks, so through the indexer like the other per-request lookups (FeatureCollectionExtensions).
        if (context.Features.Find<Pending>() is { Done: false } pending)
        {
            pending.Done = true;
            if (context.Features.Get<ISslStreamFeature>()?.SslStream is { } stream)
            {
                Apply(stream, connectionToo: HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol));
            }
        }

        return next(context);
    });

    /// <summary>A public HTTPS connection whose OpenSSL handle has not been given the mode yet.</summary>
    internal sealed class Pending
    {
        public bool Done { get; set; }
    }

    internal sealed class EndpointSetup : IPublicEndpointSetup
    {
        public void Configure(EndpointConfiguration endpoint)
        {
            if (endpoint.IsHttps && Supported)
            {
                endpoint.ListenOptions.Use(next => connection =>
                {
                    connection.Features.Set(new Pending());
                    return next(connection);
                });
            }
        }
    }
}
