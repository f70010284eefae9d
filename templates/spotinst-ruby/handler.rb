require 'json'

# The hello function. Event: {"query", "body", "headers", "method", "path"}; the body
# arrives JSON-parsed when it is JSON. Answers {"message": "Hello <name>"}, the name taken
# from the body ({"name": "..."}), else the query string (?name=...), else "world".
# What it prints shows in `serverless logs -f hello`.
def main(event, context)
  body = event['body'].is_a?(Hash) ? event['body'] : {}
  name = body['name'] || (event['query'] || {})['name'] || 'world'
  greeting = ENV.fetch('GREETING', 'Hello')
  puts "hello: greeting #{name} (request #{context.requestId})"
  {
    'statusCode' => 200,
    'headers' => { 'Content-Type' => 'application/json' },
    'body' => JSON.generate('message' => "#{greeting} #{name}")
  }
end
