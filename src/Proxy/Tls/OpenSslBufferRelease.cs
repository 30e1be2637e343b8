using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using EdgeProxy.Common;
using EdgeProxy.Middleware;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace EdgeProxy.Tls;

/// <summary>
/// Sets OpenSSL's <c>SSL_MODE_RELEASE_BUFFERS</c> on each public TLS connection, as nginx and HAProxy do: OpenSSL then
/// frees a connection's record buffers (up to ~17 KB to read and ~17 KB to write) whenever they are empty, instead of
/// keeping them for the connection's life. .NET never sets the mode and has no API for it, so the SSL handle is read
/// from <see cref="SslStream"/>'s private security context and the mode set through libssl's <c>SSL_ctrl</c>, on the
/// connection and on its SSL_CTX (so that the next connections have it from their first byte); where
/// that is not possible (another platform, another runtime's internals) nothing is done. SSL_CTRL_MODE only ORs a flag
/// that OpenSSL's reads and writes (and SSL_new, for the context's) read, so an HTTP/2 frame written or a connection
/// accepted meanwhile on another thread sees the mode either before or after, both valid. Measured with
/// loadtests/IdleConnections (docs/connections-memory.md): an idle HTTP/1.1 TLS 1.3 connection costs ~52 KB without
/// the mode, ~43 KB with it on the connection only, ~34 KB with it on the context too.
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
        // The runtime loads libssl.so.3 before 1.1 too; loading it again here returns the same library.
        foreach (var name in new[] { "libssl.so.3", "libssl.so.1.1" })
        {
            if (OperatingSystem.IsLinux() && NativeLibrary.TryLoad(name, out var library))
            {
                return library;
            }
        }

        return 0;
    }

    private static nint Export(string name) => LibSsl != 0 && NativeLibrary.TryGetExport(LibSsl, name, out var export) ? export : 0;

    /// <summary>Sets the mode on the stream's OpenSSL handle, if it is one; false if it is not (nothing done).</summary>
    public static bool Apply(SslStream stream) => WithHandle(stream, static ssl =>
    {
        SslCtrl(ssl, SslCtrlMode, SslModeReleaseBuffers, 0);

        // And on the connection's SSL_CTX, which .NET shares between the connections with the same certificate and
        // protocols: each SSL_new copies the context's mode, so later connections release their buffers from the
        // handshake on, as nginx's do. Set on this connection only, the read buffer its first request filled stays
        // allocated while it idles (OpenSSL frees it at the next read): ~9 KB more per idle HTTP/1.1 connection.
        if (SslGetSslCtx(ssl) is var context and not 0)
        {
            SslCtxCtrl(context, SslCtrlMode, SslModeReleaseBuffers, 0);
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
                Apply(stream);
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
