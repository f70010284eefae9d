package com.serverless;

import com.spotinst.functions.runtime.Context;
import com.spotinst.functions.runtime.Request;
import com.spotinst.functions.runtime.RequestHandler;
import com.spotinst.functions.runtime.Response;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hello function. Answers {"message": "Hello <name>"}, the name taken from the JSON
 * body ({"name": "..."}), else the query string (?name=...), else "world". What it prints
 * shows in {@code serverless logs -f hello}.
 *
 * <p>The body is read with a regular expression to keep this template free of
 * dependencies; a real service would use a JSON library (and bundle it into the jar, e.g.
 * with the maven-shade-plugin).
 */
public class Handler implements RequestHandler {
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"\\\\]*)\"");

    @Override
    public Response handleRequest(Request request, Context context) {
        String name = request.getQueryParams().get("name");
        Matcher body = NAME.matcher(request.getBody());
        if (body.find()) {
            name = body.group(1);
        }
        if (name == null || name.isEmpty()) {
            name = "world";
        }
        String greeting = System.getenv("GREETING") != null ? System.getenv("GREETING") : "Hello";
        System.out.println("hello: greeting " + name + " (request " + context.getRequestId() + ")");

        Response response = new Response(200, "{\"message\":" + jsonString(greeting + " " + name) + "}");
        response.getHeaders().put("Content-Type", "application/json");
        return response;
    }

    /** text as a JSON string literal */
    private static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
