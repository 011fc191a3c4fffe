module envctl.test/testapp

go 1.26.8
