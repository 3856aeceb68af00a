// The Function App on the Flex Consumption plan (FC1, Linux, .NET 10 isolated), running as the user-assigned identity,
// and its app settings. Every setting here is one the code reads: tests/Agora.Infrastructure.Tests/Infra (AppSettingsTests)
// compares this list with the code and with local.settings.sample.json. Azure-only settings point at the resources; none
// holds a key or connection string (Application Insights' connection string names the component; sending needs the
// identity, local auth is off there).

param location string
param tags object
param planName string
param name string

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity (AzureWebJobsStorage__clientId, AZURE_CLIENT_ID).')
param identityClientId string

param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param cosmosEndpoint string
param cosmosDatabaseName string
param serviceBusNamespace string
param serviceBusTopic string
param keyVaultName string
param sendGridEntryName string

param authIssuer string
param authAudience string
param authMetadataAddress string
param authSubjectClaim string
param sendGridFromEmail string
param sendGridFromName string
param sendGridGroupOffers int
param sendGridGroupCartReminders int
param sendGridGroupReactivation int
param sendGridWebhookPublicKey string
param portalUrl string
param invitationExpirySchedule string
param stockReconciliationSchedule string
param overdueReminderSchedule string
param campaignSchedule string
param clearanceSchedule string
param managerDigestSchedule string
param salesTasksExpiringQuoteDays int
param stockReconciliationAlertThreshold int
param importBatchSize int
param importWritesInFlight int
param httpMaxRequestBodyBytes int

@description('Most instances Flex Consumption scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance, in MB: 512, 2048 or 4096.')
@minValue(512)
@maxValue(4096)
param instanceMemoryMB int = 2048

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references are resolved with this identity (there is no system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      cors: { allowedOrigins: [portalUrl] }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Flex takes the worker runtime here: FUNCTIONS_WORKER_RUNTIME is not an app setting on this plan.
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // The Functions host's storage (triggers, timer status, blob receipts) and the app's blobs and queues
      // (StorageClients), with the identity.
      AzureWebJobsStorage__accountName: storage.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      // DefaultAzureCredential (Cosmos DB, Service Bus) picks the user-assigned identity by this client id.
      AZURE_CLIENT_ID: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      CosmosDb__Endpoint: cosmosEndpoint
      CosmosDb__Database: cosmosDatabaseName
      ServiceBus__FullyQualifiedNamespace: serviceBusNamespace
      ServiceBus__Topic: serviceBusTopic
      Auth__Issuer: authIssuer
      Auth__Audience: authAudience
      Auth__MetadataAddress: authMetadataAddress
      Auth__SubjectClaim: authSubjectClaim
      SendGrid__ApiKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${sendGridEntryName})'
      SendGrid__FromEmail: sendGridFromEmail
      SendGrid__FromName: sendGridFromName
      SendGrid__UnsubscribeGroups__Offers: string(sendGridGroupOffers)
      SendGrid__UnsubscribeGroups__CartReminders: string(sendGridGroupCartReminders)
      SendGrid__UnsubscribeGroups__Reactivation: string(sendGridGroupReactivation)
      SendGrid__WebhookPublicKey: sendGridWebhookPublicKey
      Notifications__PortalUrl: portalUrl
      InvitationExpirySchedule: invitationExpirySchedule
      StockReconciliationSchedule: stockReconciliationSchedule
      OverdueReminderSchedule: overdueReminderSchedule
      CampaignSchedule: campaignSchedule
      ClearanceSchedule: clearanceSchedule
      ManagerDigestSchedule: managerDigestSchedule
      SalesTasks__ExpiringQuoteDays: string(salesTasksExpiringQuoteDays)
      StockReconciliation__AlertThreshold: string(stockReconciliationAlertThreshold)
      Imports__BatchSize: string(importBatchSize)
      Imports__WritesInFlight: string(importWritesInFlight)
      Http__MaxRequestBodyBytes: string(httpMaxRequestBodyBytes)
      // The host's own body limit (default 100 MB) sits above the app's upload limit (100 MB), so that the app answers a
      // larger upload with its own 413 problem rather than the host with a bare one.
      FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '115343360'
    }
  }
}

// Deployments (azd) sign in with Entra ID; publishing with basic credentials is off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
