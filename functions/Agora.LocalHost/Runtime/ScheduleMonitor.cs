using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

using Azure;
using Azure.Storage.Blobs;

namespace Agora.LocalHost.Runtime;

/// <summary>A timer's last and next occurrences, as the host's StorageScheduleMonitor keeps them in
/// azure-webjobs-hosts/timers/{hostId}/{function}/status, so a restart can tell that an occurrence was missed.</summary>
internal sealed class ScheduleStatus
{
    public static readonly DateTimeOffset Never;

    public DateTimeOffset Last { get; set; }

    public DateTimeOffset Next { get; set; }

    public DateTimeOffset LastUpdated { get; set; }
}

internal sealed class ScheduleMonitor(BlobContainerClient hostsContainer, string hostId)
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new IsoDateConverter() } };

    public async Task<ScheduleStatus?> GetStatusAsync(string timerName, CancellationToken cancellationToken)
    {
        try
        {
            var content = await StatusBlob(timerName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<ScheduleStatus>(content.Value.Content.ToString(), Json);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task UpdateStatusAsync(string timerName, ScheduleStatus status, CancellationToken cancellationToken)
    {
        var blob = StatusBlob(timerName);
        var content = BinaryData.FromString(JsonSerializer.Serialize(status, Json));
        try
        {
            await blob.UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await hostsContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await blob.UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The host's ScheduleMonitor.CheckPastDueAsync: records a first status, re-bases it when the schedule
    /// changed, and reports how long ago the recorded next occurrence passed (zero when not past due).</summary>
    public async Task<(TimeSpan PastDue, ScheduleStatus Status)> CheckPastDueAsync(string timerName, DateTimeOffset now,
        TimerSchedule schedule, TimeZoneInfo zone, ScheduleStatus? status, CancellationToken cancellationToken)
    {
        if (status is null)
        {
            status = new ScheduleStatus { Last = ScheduleStatus.Never, Next = schedule.GetNextOccurrence(now, zone), LastUpdated = now };
            await UpdateStatusAsync(timerName, status, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var basis = status.Last != ScheduleStatus.Never ? status.Last
                : status.LastUpdated != ScheduleStatus.Never ? status.LastUpdated
                : now;
            var expectedNext = schedule.GetNextOccurrence(basis, zone);
            if (status.Next != expectedNext)
            {
                // The schedule changed since the status was written: don't call the old schedule's occurrence "missed".
                if (now > expectedNext)
                {
                    expectedNext = schedule.GetNextOccurrence(now, zone);
                    basis = now;
                }

                status = new ScheduleStatus { Last = ScheduleStatus.Never, Next = expectedNext, LastUpdated = basis };
                await UpdateStatusAsync(timerName, status, cancellationToken).ConfigureAwait(false);
            }
        }

        return (now > status.Next ? now - status.Next : TimeSpan.Zero, status);
    }

    private BlobClient StatusBlob(string timerName) => hostsContainer.GetBlobClient($"timers/{hostId}/{timerName}/status");

    /// <summary>ISO 8601 with offset, the way the host's JSON.NET IsoDateFormat writes its local DateTimes.</summary>
    private sealed class IsoDateConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));
    }
}
