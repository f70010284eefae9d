#!/bin/sh
# Builds target/<service name>.jar, the code `serverless deploy` uploads for the java8 function.
#
#   sh build.sh              javac + jar, no network: compiles src/main/java against the
#                            runtime interfaces (com.spotinst.functions.runtime) that the
#                            installed serverless-spotinst-functions ships as .java sources
#   sh build.sh maven        the same through pom.xml: installs those interfaces into your
#                            local Maven repository (they are not on Maven Central), then
#                            runs mvn package with the service name of serverless.yml
#   sh build.sh runtime-jar  only writes target/spotinst-functions-runtime.jar (the interfaces)
#
# Needs node (to find the plugin), and a JDK 9 or newer: --release 8 makes class files the
# java8 runtime loads.
set -eu
cd "$(dirname "$0")"

RUNTIME_VERSION=2.0.0 # keep equal to spotinst.runtime.version in pom.xml

service=$(sed -n "s/^service:[[:space:]]*[\"']\{0,1\}\([^\"'[:space:]#]*\).*/\1/p" serverless.yml | head -n 1)
if [ -z "$service" ]; then
  echo "build.sh: found no 'service: <name>' line in serverless.yml" >&2
  exit 1
fi
runtime=$(node -p "require('path').join(require('path').dirname(require.resolve('serverless-spotinst-functions/package.json')), 'dist', 'runtimes', 'java')" 2>/dev/null) || {
  echo "build.sh: serverless-spotinst-functions is not installed here; run npm i first" >&2
  exit 1
}

runtime_jar() {
  rm -rf target/runtime-classes
  mkdir -p target/runtime-classes
  javac --release 8 -Xlint:-options -encoding UTF-8 -d target/runtime-classes "$runtime"/com/spotinst/functions/runtime/*.java
  jar cf target/spotinst-functions-runtime.jar -C target/runtime-classes .
  echo "built target/spotinst-functions-runtime.jar"
}

case "${1:-}" in
  "")
    rm -rf target/classes
    mkdir -p target/classes
    # -sourcepath finds the runtime interfaces; -implicit:none keeps them out of the jar
    # (the platform provides them).
    javac --release 8 -Xlint:-options -encoding UTF-8 -implicit:none -sourcepath "$runtime" \
      -d target/classes $(find src/main/java -name '*.java')
    jar cf "target/$service.jar" -C target/classes .
    ;;
  maven)
    runtime_jar
    mvn -q install:install-file -Dfile=target/spotinst-functions-runtime.jar -Dpackaging=jar \
      -DgroupId=com.spotinst.functions -DartifactId=spotinst-functions-runtime -Dversion="$RUNTIME_VERSION"
    mvn -q package -Dservice.name="$service"
    ;;
  runtime-jar)
    runtime_jar
    exit 0
    ;;
  *)
    echo "usage: sh build.sh [maven | runtime-jar]" >&2
    exit 2
    ;;
esac
echo "built target/$service.jar"
