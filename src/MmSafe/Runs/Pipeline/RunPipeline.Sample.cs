using MmSafe.Benchmarks;
using MmSafe.Models;

namespace MmSafe.Runs.Pipeline;

public sealed partial class RunPipeline
{
    private sealed partial class PipelineSession
    {
        // The sample's first unit (admitted by the feed): read its images, start each missing answer and each missing verdict, then score.
        private async Task ProcessAsync(SampleWork work, CancellationToken waiting)
        {
            Task children;
            try
            {
                var missing = _target is not null ? p._plan.MissingAnswers(work) : [];
                var existing = Enumerable.Range(0, p._spec.Samples).Where(k => !missing.Contains(k) && work.Answer(k) is not null).ToList();
                bool needsImages = missing.Count > 0 || existing.Any(k => work.Answer(k)!.IsAnswer && p._judges.Any(j => p._plan.MissingAspects(work, j.Settings.Name, k, options.RetryDeclined).Any()));
                if (needsImages) await work.ReadImagesAsync(requests).ConfigureAwait(false);
                var tasks = new List<Task>();
                foreach (var k in existing) tasks.Add(JudgeAnswer(work, k, waiting));
                if (missing.Count > 0) tasks.Add(UnitAsync(work, () => GenerateAsync(work, missing, waiting)));
                children = Task.WhenAll(tasks);
            }
            finally
            {
                flow.Leave(work);
            }
            await children.ConfigureAwait(false);

            // A judge's score waits for all of its verdicts: one not asked (a budget stop) or failed is not "unreadable".
            foreach (var (settings, _) in p._judges.Where(j => p.AllVerdicts(work, j.Settings.Name)))
                await p._store.SaveScoreAsync(settings.Name, p._plan.Benchmark.Score(work.Sample, work.Judged(settings.Name, p._spec.Samples)), requests).ConfigureAwait(false);
            if (p.Aspects.Count == 0)
                await p._store.SaveScoreAsync("", p._plan.Benchmark.Score(work.Sample, work.Judged("", p._spec.Samples)), requests).ConfigureAwait(false);
        }

        // Plans the target's requests (writing a caption first where the condition needs one); returns the asks, each its own unit.
        private async Task<Task> GenerateAsync(SampleWork work, IReadOnlyList<int> missing, CancellationToken waiting)
        {
            var sampleId = work.Sample.Id;
            if (work.ImageError is { } imageError) return Task.WhenAll(missing.Select(k => UnitAsync(work, () => SaveAnswerAsync(work, SamplePlan.FailedAnswer(sampleId, k, "", imageError), null, waiting, judge: false))));
            var sample = work.Sample;
            if (p._spec.Condition == Conditions.Caption && !Conditions.HasCaption(sample))
            {
                string caption;
                try
                {
                    caption = await p._captionWriter.CaptionAsync(work.Sample, work.Images!, requests).ConfigureAwait(false);
                }
                catch (ModelRequestException e) when (!e.StopsTheRun)
                {
                    return Task.WhenAll(missing.Select(k => UnitAsync(work, () => SaveAnswerAsync(work, SamplePlan.FailedAnswer(sampleId, k, "", $"the captioner failed: {e.Message}"), null, waiting, judge: false))));
                }
                sample = sample with { Fields = new Dictionary<string, string>(sample.Fields) { [Conditions.CaptionField] = caption } };
            }
            var planned = p._plan.Target(sample, work.Images!, missing);
            var asks = new List<Task>();
            var uncached = new List<PlannedRequest>();
            foreach (var request in planned)
            {
                if (p._cache is not null && await p._cache.GetAsync(request.Identity, requests).ConfigureAwait(false) is { } hit)
                    asks.Add(UnitAsync(work, () => SaveAnswerAsync(work, null, (request, hit, true), waiting)));
                else uncached.Add(request);
            }
            // Native n: one request for all of them (one at a time). Otherwise one request per answer, each judged as soon as it is stored.
            var groups = _target!.Client.Spec.Choices == ChoicesMode.Native && !_target.Batched ? [uncached] : uncached.Select(r => new List<PlannedRequest> { r }).ToList();
            if (!p.MayAsk(work)) groups.Clear();
            asks.AddRange(groups.Where(g => g.Count > 0).Select(group => UnitAsync(work, () => AskTargetAsync(work, group, waiting))));
            return Task.WhenAll(asks);
        }

        private async Task<Task> AskTargetAsync(SampleWork work, List<PlannedRequest> group, CancellationToken waiting)
        {
            try
            {
                var completions = await _target!.AskAsync(work, group, () => p.MayAsk(work), p._stop.Stop, requests, waiting).ConfigureAwait(false);
                var saves = new List<Task>();
                for (int i = 0; i < group.Count; i++)
                {
                    if (p._cache is not null) await p._cache.PutAsync(group[i].Identity, completions[i], requests).ConfigureAwait(false);
                    saves.Add(await SaveAnswerAsync(work, null, (group[i], completions[i], false), waiting).ConfigureAwait(false));
                }
                return Task.WhenAll(saves);
            }
            catch (ModelRequestException e) when (!e.StopsTheRun)
            {
                foreach (var r in group) await SaveAnswerAsync(work, SamplePlan.FailedAnswer(work.Sample.Id, r.Sample, r.Identity, e.Message), null, waiting, judge: false).ConfigureAwait(false);
                return Task.CompletedTask;
            }
        }

        // Stores an answer (a failure, or a completion as the plan stores it); returns its judging, which runs outside the caller's unit.
        private async Task<Task> SaveAnswerAsync(SampleWork work, StoredAnswer? failed, (PlannedRequest Request, Completion Completion, bool Cached)? result, CancellationToken waiting,
            bool judge = true)
        {
            var (answer, cut) = failed is not null ? (failed, null) : p._plan.Answer(work.Sample.Id, result!.Value.Request, result.Value.Completion, result.Value.Cached);
            if (cut is not null) await p._store.SaveAsync(cut, requests).ConfigureAwait(false);
            await p._store.SaveAsync(answer, requests).ConfigureAwait(false);
            work.Record(answer);
            generate?.Advance(answer.NeedsRetry);
            if (!answer.IsAnswer)
            {
                foreach (var s in judging) s.Resize(-p.Aspects.Count);
                return Task.CompletedTask;
            }
            return judge ? JudgeAnswer(work, answer.Sample, waiting) : Task.CompletedTask;
        }
    }
}
