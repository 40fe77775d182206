using Anthropic;
using Anthropic.Exceptions;
using Microsoft.Extensions.AI;

namespace MmSafe.Models.Providers;

/// <summary>Anthropic models through the official package's <c>AsIChatClient</c>, with its errors mapped to ours.</summary>
public static class AnthropicProvider
{
    public static IChatClient Create(ModelSpec spec, ModelEndpoint endpoint, HttpClient httpClient)
    {
        var client = new AnthropicClient
        {
            ApiKey = endpoint.ApiKey ?? "",
            BaseUrl = endpoint.BaseUrl.ToString().TrimEnd('/'),
            MaxRetries = 0, // retrying is the retry wrapper's job
            HttpClient = httpClient,
        };
        return new ErrorMapping(client.AsIChatClient(spec.Model, spec.Defaults.MaxTokens ?? 1024), endpoint);
    }

    private sealed class ErrorMapping(IChatClient inner, ModelEndpoint endpoint) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            }
            catch (AnthropicApiException e)
            {
                throw HttpErrors.FromStatus((int)e.StatusCode, e.ResponseBody, null, endpoint, e);
            }
            catch (AnthropicIOException e)
            {
                throw HttpErrors.Transport(endpoint, "connection failed", e);
            }
        }
    }
}
