# Builds the hiro jar and runs it: `docker compose up --build` starts a master and three workers.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:21-jre
COPY --from=build /src/hiro-app/target/hiro.jar /opt/hiro/hiro.jar
WORKDIR /data
# The collector and young generation of deploy/hiro-jvm-options' daemons.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-XX:+UseParallelGC", "-XX:-UseAdaptiveSizePolicy", "-jar", "/opt/hiro/hiro.jar"]
CMD ["--help"]
