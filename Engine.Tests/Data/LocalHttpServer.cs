using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ConvEngine.Tests.DataTests;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 and a free port serving fixed files by name (404 for anything else),
/// for the download tests. It stops by itself after <see cref="Lifetime"/> even if a test forgets to
/// dispose it, and every response is written synchronously, so nothing outlives the test.
/// </summary>
public sealed class LocalHttpServer : IDisposable
{
    /// <summary>The longest the server stays up.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private readonly HttpListener _listener;
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly CancellationTokenSource _stop = new(Lifetime);
    private readonly Task _loop;

    /// <summary>Starts serving <paramref name="files"/> (name → bytes) at <see cref="BaseUrl"/>.</summary>
    public LocalHttpServer(IReadOnlyDictionary<string, byte[]> files)
    {
        _files = files;
        HttpListener? listener = null;
        for (int attempt = 0; listener is null; attempt++)
        {
            int port = FreePort();
            var candidate = new HttpListener();
            candidate.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                candidate.Start();
                listener = candidate;
                BaseUrl = $"http://127.0.0.1:{port}/";
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                candidate.Close(); // the port was taken between probing and binding: try another
            }
        }
        _listener = listener;
        _stop.Token.Register(() => { try { _listener.Stop(); } catch (ObjectDisposedException) { } });
        _loop = Task.Run(Serve);
    }

    /// <summary>The server's root URL, ending in '/'.</summary>
    public string BaseUrl { get; } = "";

    /// <summary>The paths requested so far, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>
    /// Names whose response announces the full length but sends only half the bytes before the
    /// connection is cut (a transfer that breaks off).
    /// </summary>
    public HashSet<string> BreakOff { get; } = [];

    /// <summary>A port nobody listens on right now.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync().WaitAsync(_stop.Token); }
            catch (Exception) { return; } // stopped, disposed, or lifetime over
            try { Respond(context); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { } // the client went away
            catch (IOException) { }
        }
    }

    private void Respond(HttpListenerContext context)
    {
        string name = context.Request.Url!.AbsolutePath.TrimStart('/');
        Requests.Enqueue(name);
        var response = context.Response;
        if (!_files.TryGetValue(name, out var bytes))
        {
            response.StatusCode = 404;
            response.StatusDescription = "Not Found";
            response.Close();
            return;
        }
        response.StatusCode = 200;
        response.ContentType = "application/octet-stream";
        response.ContentLength64 = bytes.Length;
        if (BreakOff.Contains(name))
        {
            response.OutputStream.Write(bytes, 0, bytes.Length / 2);
            response.OutputStream.Flush();
            response.Abort();
            return;
        }
        response.OutputStream.Write(bytes);
        response.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _listener.Close(); } catch (ObjectDisposedException) { }
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
