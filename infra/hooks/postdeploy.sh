#!/bin/sh
# azd postdeploy hook: subscribes the import trigger (ImportFile, a blob trigger with the Event Grid source) to
# blob-created events under imports/. It runs after the code is deployed because the webhook's key, the host's
# blobs_extension system key, exists only once the host has started with a blob trigger. Safe to run again: the
# subscription is created or updated in place (e.g. after the key was rotated).
# Needs the Azure CLI signed in to the same subscription (`az login`); azd passes the outputs of main.bicep as variables.
set -eu

: "${AZURE_RESOURCE_GROUP:?not set: run this through azd (azd up, azd deploy or azd hooks run postdeploy)}"
: "${AZURE_FUNCTION_APP_NAME:?not set}"
: "${AZURE_FUNCTION_APP_HOST:?not set}"
: "${AZURE_IMPORTS_SYSTEM_TOPIC:?not set}"

# Declared in code: StorageNames.ImportsContainer and the function's name (ImportFunctions.ImportFile).
container=imports
function=ImportFile

if ! command -v az >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI (az) is needed to create the Event Grid subscription; install it, run 'az login', then 'azd hooks run postdeploy'." >&2
  exit 1
fi

key=""
attempt=1
while [ "$attempt" -le 18 ]; do
  key=$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
    --query systemKeys.blobs_extension --output tsv 2>/dev/null || true)
  [ -n "$key" ] && break
  echo "postdeploy: waiting for the host of $AZURE_FUNCTION_APP_NAME to create its blobs_extension key ($attempt/18)"
  # A request wakes the app so that the host starts and indexes the blob trigger.
  curl -s -o /dev/null "https://$AZURE_FUNCTION_APP_HOST/api/health" || true
  sleep 10
  attempt=$((attempt + 1))
done
if [ -z "$key" ]; then
  echo "postdeploy: $AZURE_FUNCTION_APP_NAME has no blobs_extension key yet; check that the deployment succeeded, then run 'azd hooks run postdeploy'." >&2
  exit 1
fi

# The key travels in the endpoint URL to Event Grid, which keeps it and never returns it; it is not printed here.
az eventgrid system-topic event-subscription create \
  --name imports-blob-created \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$AZURE_IMPORTS_SYSTEM_TOPIC" \
  --endpoint-type webhook \
  --endpoint "https://$AZURE_FUNCTION_APP_HOST/runtime/webhooks/blobs?functionName=Host.Functions.$function&code=$key" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$container/" \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none

echo "postdeploy: blob-created events under $container/ now reach $function on $AZURE_FUNCTION_APP_NAME."
