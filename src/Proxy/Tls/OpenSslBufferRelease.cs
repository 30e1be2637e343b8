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
/// from <see cref="SslStream"/>'s private security context and the mode set through libssl's <c>SSL_ctrl</c>; where
/// that is not possible (another platform, another runtime's internals) nothing is done. SSL_ctrl(SSL_CTRL_MODE) only
/// ORs a flag that OpenSSL's reads and writes read, so an HTTP/2 frame written meanwhile on another thread sees the
/// mode either before or after, both valid. Measured with
/// loadtests/IdleConnections (docs/connections-memory.md): 2,000 idle TLS 1.3 connections cost ~10 KB less each over
/// HTTP/1.1 and ~15 KB less over HTTP/2.
/// </summary>
internal static unsafe class OpenSslBufferRelease
{
    private const int SslCtrlMode = 33; // SSL_CTRL_MODE, what the SSL_set_mode macro calls
    private const nint SslModeReleaseBuffers = 0x10;

    private static readonly FieldInfo? SecurityContext = typeof(SslStream).GetField("_securityContext", BindingFlags.NonPublic | BindingFlags.Instance);
    private static readonly delegate* unmanaged<nint, int, nint, nint, nint> SslCtrl = FindSslCtrl();

    /// <summary>Whether this runtime and platform allow it: Linux, OpenSSL's libssl loaded, the runtime's field as expected.</summary>
    public static bool Supported => SslCtrl != null && SecurityContext is not null;

    private static delegate* unmanaged<nint, int, nint, nint, nint> FindSslCtrl()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // The runtime loads libssl.so.3 before 1.1 too; loading it again here returns the same library.
        foreach (var name in new[] { "libssl.so.3", "libssl.so.1.1" })
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "SSL_ctrl", out var export))
            {
                return (delegate* unmanaged<nint, int, nint, nint, nint>)export;
            }
        }

        return null;
    }

    /// <summary>Sets the mode on the stream's OpenSSL handle, if it is one; false if it is not (nothing done).</summary>
    public static bool Apply(SslStream stream)
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
            SslCtrl(handle.DangerousGetHandle(), SslCtrlMode, SslModeReleaseBuffers, 0);
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
