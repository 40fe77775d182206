using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Providers;

/// <summary>
/// Anthropic's Messages API (<c>POST {base}/v1/messages</c>, <c>anthropic-version</c> <see cref="AnthropicMessages.Version"/>),
/// with the body written by <see cref="AnthropicMessages"/> so that what the run spec records is what the wire carries.
/// Errors become <see cref="ModelRequestException"/>s that say what to fix; retrying is a wrapper's job.
/// </summary>
public sealed class AnthropicProvider(ModelEndpoint endpoint, HttpClient http, int defaultMaxTokens) : IChatClient
{
    public static IChatClient Create(ModelSpec spec, ModelEndpoint endpoint, HttpClient httpClient) =>
        new AnthropicProvider(endpoint, httpClient, spec.Defaults.MaxTokens ?? AnthropicMessages.DefaultMaxTokens);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = AnthropicMessages.Body(endpoint.Model, messages, options, defaultMaxTokens, endpoint.ExtraBody);
        using var request = new HttpRequestMessage(HttpMethod.Post, AnthropicMessages.Url(endpoint))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (endpoint.ApiKey is { } key) request.Headers.Add("x-api-key", key);
        request.Headers.Add("anthropic-version", AnthropicMessages.Version);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw HttpErrors.Transport(endpoint, "connection failed", e);
        }
        using (response)
        {
            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw HttpErrors.Transport(endpoint, "connection lost while reading the reply", e);
            }
            if (!response.IsSuccessStatusCode)
                throw HttpErrors.FromStatus((int)response.StatusCode, text,
                    HttpErrors.RetryAfter(n => response.Headers.TryGetValues(n, out var v) ? v.FirstOrDefault() : null), endpoint);
            try
            {
                using var json = JsonDocument.Parse(text);
                return AnthropicMessages.Read(json.RootElement);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw HttpErrors.Transport(endpoint, "malformed response body", e);
            }
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Benchmarks score whole answers; streaming is served from one complete response.
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("anthropic", endpoint.BaseUrl, endpoint.Model)
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
