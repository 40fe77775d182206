using MmSafe.Benchmarks;
using MmSafe.Models;
using MmSafe.Models.Middleware;

namespace MmSafe.Runs.Pipeline;

public sealed partial class RunPipeline
{
    private sealed partial class PipelineSession
    {
        // Every missing verdict on answer k, each its own unit.
        private Task JudgeAnswer(SampleWork work, int k, CancellationToken waiting)
        {
            var answer = work.Answer(k);
            if (answer is not { IsAnswer: true } || !p.MayAsk(work)) return Task.CompletedTask;
            return Task.WhenAll(p._judges.SelectMany((j, index) => p._plan.MissingAspects(work, j.Settings.Name, k, options.RetryDeclined)
                .Select(a => UnitAsync(work, () => JudgeOneAsync(work, answer, a, j.Settings, _judges[index], judging[index], waiting)))));
        }

        private async Task<Task> JudgeOneAsync(SampleWork work, StoredAnswer answer, string aspect, ModelSettings settings, ModelTransport judge, IRunStage stage, CancellationToken waiting)
        {
            var sampleId = work.Sample.Id;
            StoredVerdict verdict;
            if (work.ImageError is { } imageError) verdict = SamplePlan.FailedVerdict(settings.Name, sampleId, answer.Sample, aspect, "", imageError);
            else
            {
                var (request, rule) = p._plan.Judge(work.Sample, answer, aspect, settings, judge.Client.StructuredOutputUnsupported, work.Images!);
                if (rule is not null) verdict = rule;
                else
                {
                    try
                    {
                        var hit = p._cache is null ? null : await p._cache.GetAsync(request!.Identity, requests).ConfigureAwait(false);
                        var c = hit ?? (await judge.AskAsync(work, [request!], () => p.MayAsk(work), p._stop.Stop, requests, waiting).ConfigureAwait(false))[0];
                        // An endpoint that refuses response_format answers nothing sent with it: once the fallback has switched it off,
                        // this answer was made without the format, and is recorded (and cached) under that request's identity.
                        if (hit is null && request!.Format is not null && judge.Client.StructuredOutputUnsupported && !judge.Batched) request = request.WithoutFormat();
                        if (hit is null && p._cache is not null) await p._cache.PutAsync(request!.Identity, c, requests).ConfigureAwait(false);
                        verdict = SamplePlan.Verdict(sampleId, request!, c, cached: hit is not null);
                    }
                    catch (ModelRequestException e) when (!e.StopsTheRun)
                    {
                        verdict = SamplePlan.FailedVerdict(settings.Name, sampleId, answer.Sample, aspect, request!.Identity, e.Message);
                    }
                }
            }
            if (settings.StructuredOutput == nameof(StructuredOutputMode.Auto) && judge.Client.StructuredOutputUnsupported && p._fallbackRecorded.TryAdd(settings.Name, 0))
                await p._store.SaveAsync(new RunEvent(DateTimeOffset.UtcNow, RunEvents.StructuredOutputOff, settings.Name,
                    $"the judge endpoint rejected response_format; later requests carry the prompt alone ({judge.Client.StructuredOutput.Reason})"), requests).ConfigureAwait(false);
            await p._store.SaveAsync(verdict, requests).ConfigureAwait(false);
            work.Record(verdict);
            stage.Advance(verdict.NeedsRetry);
            return Task.CompletedTask;
        }
    }
}
