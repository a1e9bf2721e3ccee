"""Publishers: the only code that talks to X and Facebook. Nothing above this package imports tweepy or
facebook; everything above it sees `Publisher`, its capabilities and the errors in `bot.publish.errors`."""
