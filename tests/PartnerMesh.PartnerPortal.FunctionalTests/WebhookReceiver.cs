using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>A partner's or tool's webhook endpoint on 127.0.0.1: records every delivery; answers the queued statuses first, then 200.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public ConcurrentQueue<int> Answers { get; } = new();

    /// <summary>While set and not completed, every request is recorded and then held until it completes (a slow receiver).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public Uri Url { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            receiver.Received.Enqueue(new ReceivedWebhook(
                context.Request.Headers["PartnerMesh-Signature"].ToString(), context.Request.Headers["PartnerMesh-Event-Id"].ToString(),
                context.Request.Headers["PartnerMesh-Event-Type"].ToString(), body));
            if (receiver.Gate is { } gate)
            {
                await gate.Task.WaitAsync(context.RequestAborted);
            }

            return Results.StatusCode(receiver.Answers.TryDequeue(out var status) ? status : 200);
        });
        await app.StartAsync();
        receiver._app = app;
        receiver.Url = new Uri(app.Urls.First().TrimEnd('/') + "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

public sealed record ReceivedWebhook(string Signature, string EventId, string EventType, string Body);
