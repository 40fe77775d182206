using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OAI = OpenAI.Chat;

namespace MmSafe.Models.Providers;

/// <summary>
/// An <see cref="IChatClient"/> over the official OpenAI SDK for any OpenAI-compatible endpoint
/// (OpenAI, vLLM, SGLang, Ollama, LM Studio, llama.cpp server). Images travel as base64 data
/// URLs with the media type of the <see cref="DataContent"/>, base64-encoded as they are sent
/// (<see cref="ChatRequestContent"/>); the SDK's pipeline carries the request (auth, transport)
/// through its protocol method. Several choices (<c>n</c>) come
/// back as one assistant message each, with <c>finish_reason</c> and <c>refusal</c> in the
/// message's additional properties. The SDK's own retries are off: retrying is a wrapper's job.
/// </summary>
public sealed class OpenAICompatibleChatClient : IChatClient
{
    private readonly OAI.ChatClient _chat;
    private readonly ModelEndpoint _endpoint;

    public OpenAICompatibleChatClient(ModelEndpoint endpoint, HttpClient httpClient)
    {
        _endpoint = endpoint;
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Timeout.InfiniteTimeSpan, // the per-request timeout is the retry wrapper's
            Transport = new HttpClientPipelineTransport(httpClient),
        };
        // Local servers need no key; the SDK needs a non-empty credential all the same.
        _chat = new OAI.ChatClient(endpoint.Model, new ApiKeyCredential(endpoint.ApiKey ?? "no-key"), options);
    }

    public ChatClientMetadata Metadata => new("openai-compatible", _endpoint.BaseUrl, _endpoint.Model);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var content = OpenAIRequest.Build(messages, options, _endpoint);
        ClientResult result;
        try
        {
            result = await _chat.CompleteChatAsync(content, new RequestOptions { CancellationToken = cancellationToken }).ConfigureAwait(false);
        }
        catch (ClientResultException e) when (e.Status == 0)
        {
            throw HttpErrors.Transport(_endpoint, "connection failed", e);
        }
        catch (ClientResultException e)
        {
            var raw = e.GetRawResponse();
            string? body = raw?.Content?.ToString();
            if (HttpErrors.IsContentPolicy(e.Status, body)) return PolicyBlocked(body);
            throw HttpErrors.FromStatus(e.Status, body, raw is null ? null : HttpErrors.RetryAfter(n => raw.Headers.TryGetValue(n, out var v) ? v : null), _endpoint, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw HttpErrors.Transport(_endpoint, "connection failed", e);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException && !cancellationToken.IsCancellationRequested)
        {
            throw HttpErrors.Transport(_endpoint, "malformed response body", e);
        }
        return ReadChoices(result.GetRawResponse().Content);
    }

    private ChatResponse ReadChoices(BinaryData body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return OpenAIResponse.Read(json.RootElement, _endpoint.Model);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw HttpErrors.Malformed(_endpoint, body.ToString(), e);
        }
    }

    private ChatResponse PolicyBlocked(string? body) =>
        new(new ChatMessage(ChatRole.Assistant, "") { AdditionalProperties = new() { [Completion.PolicyErrorKey] = Secrets.Redact(HttpErrors.ErrorMessage(body) ?? "content policy", _endpoint.ApiKey) } })
        {
            FinishReason = ChatFinishReason.ContentFilter,
        };

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Benchmarks score whole answers; streaming is served from one complete response.
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
